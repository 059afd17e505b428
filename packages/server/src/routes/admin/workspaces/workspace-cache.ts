import type { Storage, WorkspaceRow } from '@boltz/storage';

/** Enough for every workspace of a large deployment; the oldest entry goes first beyond it. */
const MAX_ENTRIES = 10_000;

/**
 * Workspace records for `GET /admin/workspaces/{id}`, cached per replica as API keys are
 * (`KEY_CACHE_TTL_MS`): the read is the route's only database work, and SQLite's per-read
 * locking made it cost as much as the rest of the request. Updates and archiving made on this
 * replica apply at once (their routes `forget` the entry); other replicas see them within the
 * TTL. Entries are keyed by organization and id, so a lookup never crosses tenants, and a
 * miss is not cached. Decisions (archiving, job starts, spending) read the database.
 */
export class WorkspaceCache {
  private readonly entries = new Map<string, { row: WorkspaceRow; cachedUntil: number }>();

  constructor(private readonly storage: Storage, private readonly ttlMs: number) {}

  async find(organizationId: string, workspaceId: string, now: number = Date.now()): Promise<WorkspaceRow | undefined> {
    const key = `${organizationId}\u0000${workspaceId}`;
    const hit = this.entries.get(key);
    if (hit && hit.cachedUntil > now) return hit.row;
    this.entries.delete(key);
    const row = await this.storage.workspaces.find({ organizationId }, workspaceId);
    if (row && this.ttlMs > 0) {
      this.entries.set(key, { row, cachedUntil: now + this.ttlMs });
      if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    }
    return row;
  }

  forget(organizationId: string, workspaceId: string): void {
    this.entries.delete(`${organizationId}\u0000${workspaceId}`);
  }
}
