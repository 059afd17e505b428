import type { Kysely } from 'kysely';
import type { Database, SpendingLimitsTable } from '../schema.ts';
import { nextDayStart } from './usage.ts';

/**
 * Workspace spending limits and the cost reserved by active work (spec/API.md §5.1, decision b).
 * Construct it on a transaction: a check and the write it guards must see the same state, which
 * `lockWorkspace` guarantees.
 */
export class SpendingStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Serialises every change to a workspace's money (reserve, settle, release, set limit) until
   * the surrounding transaction ends. A no-op UPDATE does this on both dialects: PostgreSQL
   * takes the row lock (`FOR NO KEY UPDATE` strength, so concurrent inserts referencing the
   * workspace are not blocked) and SQLite takes the database write lock at the first write of a
   * transaction — Kysely opens a deferred `begin`, and a transaction that read first could not
   * upgrade to a writer once another process committed. Call it before any read it protects.
   */
  async lockWorkspace(workspaceId: string): Promise<void> {
    await this.db
      .updateTable('workspaces')
      .set((eb) => ({ updated_at: eb.ref('updated_at') }))
      .where('id', '=', workspaceId)
      .execute();
  }

  async findLimit(workspaceId: string): Promise<SpendingLimitsTable | undefined> {
    return this.db.selectFrom('spending_limits').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  }

  /** Tracking starts when a limit is first set, so replacing keeps `tracking_started_at`. */
  async upsertLimit(workspaceId: string, limitMilliUsd: number, now: string): Promise<SpendingLimitsTable> {
    await this.db
      .insertInto('spending_limits')
      .values({
        workspace_id: workspaceId,
        limit_milli_usd: limitMilliUsd,
        tracking_started_at: now,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ limit_milli_usd: limitMilliUsd, updated_at: now }))
      .execute();
    const row = await this.findLimit(workspaceId);
    if (!row) throw new Error(`spending limit of ${workspaceId} vanished after upsert`);
    return row;
  }

  /**
   * Live cost settled since the limit was first set (spending limits count live usage only):
   * the ledger rows of the day tracking started, then the daily roll-up for every later day, so
   * the answer costs the same after a million jobs as after ten (migration 0007).
   */
  async accruedMilliUsd(workspaceId: string, since: string): Promise<number> {
    const firstFullDay = nextDayStart(since);
    const partialDay = await this.db
      .selectFrom('usage_ledger')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('cost_milli_usd'), eb.lit(0)).as('total'))
      .where('workspace_id', '=', workspaceId)
      .where('mode', '=', 'live')
      .where('settled_at', '>=', since)
      .where('settled_at', '<', firstFullDay)
      .executeTakeFirstOrThrow();
    const laterDays = await this.db
      .selectFrom('usage_daily')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('cost_milli_usd'), eb.lit(0)).as('total'))
      .where('workspace_id', '=', workspaceId)
      .where('mode', '=', 'live')
      .where('day_start', '>=', firstFullDay)
      .executeTakeFirstOrThrow();
    return Number(partialDay.total) + Number(laterDays.total);
  }

  async reservedMilliUsd(workspaceId: string): Promise<number> {
    const row = await this.db
      .selectFrom('spending_reservations')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount_milli_usd'), eb.lit(0)).as('total'))
      .where('workspace_id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    return Number(row.total);
  }

  async insertReservation(reservation: { jobId: string; workspaceId: string; amountMilliUsd: number; now: string }): Promise<void> {
    await this.db
      .insertInto('spending_reservations')
      .values({
        job_id: reservation.jobId,
        workspace_id: reservation.workspaceId,
        amount_milli_usd: reservation.amountMilliUsd,
        created_at: reservation.now,
      })
      .execute();
  }

  /** Part of a reservation became accrued usage (a settled batch of pipeline results). */
  async reduceReservation(jobId: string, amountMilliUsd: number): Promise<void> {
    await this.db
      .updateTable('spending_reservations')
      .set((eb) => ({ amount_milli_usd: eb('amount_milli_usd', '-', amountMilliUsd) }))
      .where('job_id', '=', jobId)
      .execute();
  }

  async deleteReservation(jobId: string): Promise<void> {
    await this.db.deleteFrom('spending_reservations').where('job_id', '=', jobId).execute();
  }
}
