import type { Storage, WorkspaceRow } from '@boltz/storage';
import { RecordCache } from '../../../record-cache.ts';

/**
 * Workspace records for `GET /admin/workspaces/{id}`, cached per replica as API keys are
 * (record-cache.ts): the read is the route's only database work, and SQLite's per-read locking
 * made it cost as much as the rest of the request. The update and archive routes `forget` the
 * entry they change. Entries are keyed by organization and id, so a lookup never crosses
 * tenants, and a miss is not cached. Decisions (archiving, job starts, spending) read the database.
 */
export class WorkspaceCache {
  private readonly records: RecordCache<WorkspaceRow>;

  constructor(private readonly storage: Storage, ttlMs: number) {
    this.records = new RecordCache(ttlMs);
  }

  async find(organizationId: string, workspaceId: string, now: number = Date.now()): Promise<WorkspaceRow | undefined> {
    const key = `${organizationId}\u0000${workspaceId}`;
    const cached = this.records.get(key, now);
    if (cached) return cached;
    const row = await this.storage.workspaces.find({ organizationId }, workspaceId);
    if (row) this.records.set(key, row, now);
    return row;
  }

  forget(organizationId: string, workspaceId: string): void {
    this.records.delete(`${organizationId}\u0000${workspaceId}`);
  }
}
