import type { Kysely } from 'kysely';
import { newId } from '@boltz/shared';
import type { AuditEventsTable, Database } from '../schema.ts';

export type AuditEventRow = AuditEventsTable;
export type NewAuditEvent = Omit<AuditEventsTable, 'id' | 'created_at' | 'details'> & { details?: Record<string, unknown>; created_at?: string };

export interface AuditQuery {
  /** ISO times, inclusive / exclusive. */
  since?: string;
  until?: string;
  /** An action, or a prefix of actions ending in `.` (`workspace.`). */
  action?: string;
  actor?: string;
  organizationId?: string;
  outcome?: string;
  /** Newest first, at most this many. */
  limit: number;
}

/** The audit log: written once per action, read by `boltz-server audit`. */
export class AuditStore {
  constructor(private readonly db: Kysely<Database>) {}

  async record(event: NewAuditEvent): Promise<void> {
    const { details, created_at, ...fields } = event;
    const now = created_at ?? new Date().toISOString();
    await this.db
      .insertInto('audit_events')
      .values({ ...fields, id: newId('audit_', Date.parse(now)), created_at: now, details: details ? JSON.stringify(details) : null })
      .execute();
  }

  async list(query: AuditQuery): Promise<AuditEventRow[]> {
    let select = this.db.selectFrom('audit_events').selectAll();
    if (query.since) select = select.where('created_at', '>=', query.since);
    if (query.until) select = select.where('created_at', '<', query.until);
    if (query.action) select = query.action.endsWith('.') ? select.where('action', 'like', `${query.action}%`) : select.where('action', '=', query.action);
    if (query.actor) select = select.where('actor', '=', query.actor);
    if (query.organizationId) select = select.where('organization_id', '=', query.organizationId);
    if (query.outcome) select = select.where('outcome', '=', query.outcome);
    return select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
  }
}
