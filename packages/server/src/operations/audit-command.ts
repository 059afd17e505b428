import { ConfigError } from '../config.ts';
import type { AuditEventRow, AuditQuery, Storage } from '@boltz/storage';

export interface AuditCommandOptions {
  since?: string;
  until?: string;
  action?: string;
  actor?: string;
  organization?: string;
  outcome?: string;
  limit: string;
  json?: boolean;
}

/** `--since 24h`, `--since 7d` or an ISO date/time. */
export function parseTime(value: string | undefined, now: Date): string | undefined {
  if (value === undefined) return undefined;
  const relative = /^(\d+)([mhd])$/.exec(value);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * { m: 60_000, h: 3600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd']).toISOString();
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new ConfigError(`"${value}" is neither a time (2026-01-31, 2026-01-31T12:00Z) nor a duration (30m, 24h, 7d)`);
  return new Date(time).toISOString();
}

export function auditQuery(options: AuditCommandOptions, now: Date): AuditQuery {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new ConfigError('--limit must be an integer between 1 and 100000');
  return {
    since: parseTime(options.since, now),
    until: parseTime(options.until, now),
    action: options.action,
    actor: options.actor,
    organizationId: options.organization,
    outcome: options.outcome,
    limit,
  };
}

/** Newest first: one JSON array, or a table. */
export function renderAudit(rows: AuditEventRow[], json: boolean): string {
  if (json) return `${JSON.stringify(rows.map((row) => ({ ...row, details: row.details ? JSON.parse(row.details) : null })), null, 2)}\n`;
  const header = ['TIME', 'ACTION', 'OUTCOME', 'ACTOR', 'TARGET', 'IP'];
  const table = rows.map((row) => [row.created_at, row.action, row.status_code ? `${row.outcome} (${row.status_code})` : row.outcome, row.actor, row.target ?? '—', row.ip ?? '—']);
  const widths = header.map((title, i) => Math.max(title.length, ...table.map((cells) => cells[i].length)));
  return [header, ...table].map((cells) => `${cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()}\n`).join('');
}

export async function listAudit(storage: Storage, options: AuditCommandOptions): Promise<string> {
  return renderAudit(await storage.audit.list(auditQuery(options, new Date())), options.json === true);
}
