import { newId } from '@boltz/shared';
import type { SpendingLimitsTable, SpendingStore, Storage, Stores } from '@boltz/storage';
import { spendingLimitExceeded, validationError } from '../errors.ts';
import { MILLI_USD_UNLIMITED } from '../schemas/workspace.ts';
import type { Application } from './prices.ts';

/**
 * Money movements of a job (spec/API.md decision b, ENGINE.md §9 "Settlement"): cost is reserved
 * at start (a pipeline: for everything it was asked to produce), settled as work completes (a
 * prediction at once, a pipeline per committed batch of results) and the rest released when the
 * job fails, stops or ends with less than it reserved. Each function runs inside the caller's
 * transaction (the job insert, a batch commit, the job completion) so that a job and its money
 * change together or not at all. Only live work costs money; test-mode jobs record their quantity
 * for the usage endpoint at zero cost and never touch limits (decision e).
 */
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
export async function reserveSpend(tx: Stores, reservation: Reservation): Promise<void> {
  if (reservation.mode !== 'live') return;
  const { spending } = tx;
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
  /** Which settlement of the job: 0 for a prediction, the batch's first result index for a pipeline. */
  batch?: number;
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
 * Charges settled work: one ledger row (unique per job and batch, so a repeated settlement is a
 * no-op returning false), the usage roll-ups, and the same amount out of the job's reservation.
 * A prediction settles once; its reservation then ends (`endsReservation`).
 */
export async function settleJob(tx: Stores, settlement: Settlement, endsReservation = true): Promise<boolean> {
  const live = settlement.mode === 'live';
  const { spending, usage } = tx;
  // Moving cost from "reserved" to "accrued" must look atomic to a concurrent limit check.
  if (live) await spending.lockWorkspace(settlement.workspaceId);
  const settled = await usage.recordSettlement({
    id: newId('usage_'),
    organization_id: settlement.organizationId,
    workspace_id: settlement.workspaceId,
    mode: settlement.mode,
    application: settlement.application,
    job_id: settlement.jobId,
    batch: settlement.batch ?? 0,
    quantity: settlement.quantity,
    cost_milli_usd: live ? settlement.costMilliUsd : 0,
    settled_at: settlement.now.toISOString(),
  });
  if (live && settled) {
    if (endsReservation) await spending.deleteReservation(settlement.jobId);
    else await spending.reduceReservation(settlement.jobId, settlement.costMilliUsd);
  }
  return settled;
}

/** What a job did not (or will not) produce is not charged: the rest of its reservation is dropped. */
export async function releaseSpend(tx: Stores, jobId: string): Promise<void> {
  // No lock needed: less reserved money can only make a concurrent check more cautious.
  await tx.spending.deleteReservation(jobId);
}

/**
 * PUT spending-limit (spec/API.md §5.1): a limit may not be set below accrued usage plus the
 * cost reserved by active work (422 on `limit.amount`). Runs in a transaction of its own, under
 * the spending lock, so that no reservation slips in between the check and the write.
 */
export function setSpendingLimit(
  storage: Storage,
  workspaceId: string,
  amountMilliUsd: number,
  now: Date,
): Promise<{ limit: SpendingLimitsTable; accruedMilliUsd: number }> {
  return storage.transaction(async ({ spending }) => {
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
