import type { Kysely } from 'kysely';
import { newId } from '@boltz/shared';
import { type Database, SpendingStore, type SpendingLimitsTable, UsageStore } from '@boltz/storage';
import { spendingLimitExceeded, validationError } from '../errors.ts';
import { MILLI_USD_UNLIMITED } from '../schemas/workspace.ts';
import type { Application } from './prices.ts';

/**
 * Money movements of a job (spec/API.md decision b, ENGINE.md §9 "Settlement"): cost is reserved
 * at start, settled at completion and released on failure. Each function runs inside the
 * caller's transaction (the job insert or the job completion) so that a job and its money change
 * together or not at all. Only live work costs money; test-mode jobs record their quantity for
 * the usage endpoint at zero cost and never touch limits (decision e).
 */
type Executor = Kysely<Database>;
type Mode = 'live' | 'test';

export interface Reservation {
  jobId: string;
  organizationId: string;
  workspaceId: string;
  mode: Mode;
  amountMilliUsd: number;
  now: Date;
}

/**
 * Holds `amountMilliUsd` for a starting job, or throws 402 `spending_limit_exceeded` when accrued
 * plus reserved plus this amount would pass the workspace's limit. Concurrent starts cannot
 * overspend: the check and the insert run under the workspace's spending lock. Call it before
 * the transaction reads anything else (see SpendingStore.lockWorkspace).
 */
export async function reserveSpend(trx: Executor, reservation: Reservation): Promise<void> {
  if (reservation.mode !== 'live') return;
  const spending = new SpendingStore(trx);
  await spending.lockWorkspace(reservation.workspaceId);
  const limit = await spending.findLimit(reservation.workspaceId);
  if (limit && limit.limit_milli_usd !== MILLI_USD_UNLIMITED) {
    const committed = await committedMilliUsd(spending, limit);
    if (committed + reservation.amountMilliUsd > limit.limit_milli_usd) {
      throw spendingLimitExceeded(
        `Starting this job would exceed the spending limit of workspace ${reservation.workspaceId}: ` +
          `${committed} of ${limit.limit_milli_usd} milli-USD are used or reserved and the job needs ${reservation.amountMilliUsd}`,
      );
    }
  }
  await spending.insertReservation({
    jobId: reservation.jobId,
    workspaceId: reservation.workspaceId,
    amountMilliUsd: reservation.amountMilliUsd,
    now: reservation.now.toISOString(),
  });
}

export interface Settlement {
  jobId: string;
  organizationId: string;
  workspaceId: string;
  mode: Mode;
  application: Application;
  /** Billed units (the `num_units` of estimate-cost): what the usage endpoint sums. */
  quantity: number;
  /** What the job costs in live mode; test-mode settlements are recorded at 0. */
  costMilliUsd: number;
  now: Date;
}

/**
 * Charges a finished job: one ledger row (its unique job id makes a repeated settlement a no-op,
 * returning false), the usage roll-ups, and the end of its reservation.
 */
export async function settleJob(trx: Executor, settlement: Settlement): Promise<boolean> {
  const live = settlement.mode === 'live';
  const spending = new SpendingStore(trx);
  // Moving cost from "reserved" to "accrued" must look atomic to a concurrent limit check.
  if (live) await spending.lockWorkspace(settlement.workspaceId);
  const settled = await new UsageStore(trx).recordSettlement({
    id: newId('usage_'),
    organization_id: settlement.organizationId,
    workspace_id: settlement.workspaceId,
    mode: settlement.mode,
    application: settlement.application,
    job_id: settlement.jobId,
    quantity: settlement.quantity,
    cost_milli_usd: live ? settlement.costMilliUsd : 0,
    settled_at: settlement.now.toISOString(),
  });
  if (live) await spending.deleteReservation(settlement.jobId);
  return settled;
}

/** A failed (or never-run) job charges nothing: its reservation is dropped. */
export async function releaseSpend(trx: Executor, jobId: string): Promise<void> {
  // No lock needed: less reserved money can only make a concurrent check more cautious.
  await new SpendingStore(trx).deleteReservation(jobId);
}

/**
 * PUT spending-limit (spec/API.md §5.1): a limit may not be set below accrued usage plus the
 * cost reserved by active work (422 on `limit.amount`). Runs in a transaction of its own, under
 * the spending lock, so that no reservation slips in between the check and the write.
 */
export function setSpendingLimit(
  db: Executor,
  workspaceId: string,
  amountMilliUsd: number,
  now: Date,
): Promise<{ limit: SpendingLimitsTable; accruedMilliUsd: number }> {
  return db.transaction().execute(async (trx) => {
    const spending = new SpendingStore(trx);
    await spending.lockWorkspace(workspaceId);
    const existing = await spending.findLimit(workspaceId);
    // A first limit starts tracking now, but work already reserved will settle under it.
    const committed = existing ? await committedMilliUsd(spending, existing) : await spending.reservedMilliUsd(workspaceId);
    if (amountMilliUsd < committed) {
      throw validationError(`The limit cannot be below accrued usage plus reserved spend (${committed} milli-USD)`, {
        'limit.amount': `must be at least ${committed}`,
      });
    }
    const limit = await spending.upsertLimit(workspaceId, amountMilliUsd, now.toISOString());
    return { limit, accruedMilliUsd: await accruedMilliUsd(spending, limit) };
  });
}

/** Live usage settled since tracking started, as shown in `accrued_usage`. */
export function accruedMilliUsd(spending: SpendingStore, limit: SpendingLimitsTable): Promise<number> {
  return spending.accruedMilliUsd(limit.workspace_id, limit.tracking_started_at);
}

async function committedMilliUsd(spending: SpendingStore, limit: SpendingLimitsTable): Promise<number> {
  return (await accruedMilliUsd(spending, limit)) + (await spending.reservedMilliUsd(limit.workspace_id));
}
