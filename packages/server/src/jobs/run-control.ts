import type { JobRow } from '@boltz/storage';
import { releaseSpend, reserveSpend } from '../billing/spending.ts';
import { conflict } from '../errors.ts';
import type { PipelineFamily } from '../families/family.ts';
import { retentionHours } from '../resources/workspace.ts';
import type { Services } from '../services.ts';

/**
 * Stop and resume of pipeline runs (spec/API.md §7.2). Both are idempotent where the run is
 * already in the asked-for state, and 409 `conflict` (not retried by the SDKs) where the
 * transition is impossible.
 */

async function reread(services: Services, job: JobRow): Promise<JobRow> {
  const row = await services.storage.jobs.findById(job.id);
  if (!row) throw new Error(`job ${job.id} vanished`);
  return row;
}

function finished(family: PipelineFamily, job: JobRow, action: string): never {
  throw conflict(`${family.noun} ${job.id} has ${job.status}; only a pending or running run can be ${action}`);
}

/**
 * pending/running → stopped. The lease goes with it, so the runner's next commit or heartbeat
 * finds the run gone (a runner in this process is told at once); what was reserved but not yet
 * produced is released in the same transaction. Results and their charges stay.
 */
export async function stopRun(services: Services, family: PipelineFamily, job: JobRow): Promise<JobRow> {
  if (job.status === 'stopped') return job;
  if (job.status === 'succeeded' || job.status === 'failed') finished(family, job, 'stopped');
  const now = services.now();
  const workspace = await services.storage.workspaces.find({ organizationId: job.organization_id }, job.workspace_id);
  // Retention runs from the stop (§7.2); a resume clears it.
  const expiresAt = new Date(now.getTime() + (workspace ? retentionHours({ unit: workspace.retention_unit, value: workspace.retention_value }) : 0) * 3600_000);
  const stopped = await services.storage.transaction(async (tx) => {
    if (!(await tx.jobs.stop(job.id, now.toISOString(), expiresAt.toISOString()))) return false;
    await releaseSpend(tx, job.id);
    return true;
  });
  if (stopped) services.jobQueue.interrupt(job.id);
  const row = await reread(services, job);
  // Lost a race with the run finishing on its own.
  if (!stopped && row.status !== 'stopped') finished(family, row, 'stopped');
  return row;
}

/**
 * stopped → pending, continuing from its checkpoint. A live run reserves the cost of what is
 * left to produce again, under the workspace's spending limit (402 when it no longer fits).
 */
export async function resumeRun(services: Services, family: PipelineFamily, job: JobRow): Promise<JobRow> {
  if (job.status === 'pending' || job.status === 'running') return job;
  if (job.status !== 'stopped') throw conflict(`${family.noun} ${job.id} has ${job.status}; only a stopped run can be resumed`);
  if (job.data_deleted_at !== null) throw conflict(`${family.noun} ${job.id} cannot be resumed: its data was deleted`);
  const now = services.now();
  const resumed = await services.storage.transaction(async (tx) => {
    await reserveSpend(tx, {
      jobId: job.id,
      organizationId: job.organization_id,
      workspaceId: job.workspace_id,
      mode: job.mode,
      amountMilliUsd: (job.billed_units - job.settled_units) * job.unit_cost_milli_usd,
      now,
    });
    if (await tx.jobs.resume(job.id, now.toISOString())) return true;
    // Resumed or deleted concurrently: undo this reservation with the rest of the transaction.
    throw new ResumeRace();
  }).catch((error) => {
    if (error instanceof ResumeRace) return false;
    throw error;
  });
  if (resumed) services.jobQueue.wake();
  const row = await reread(services, job);
  if (!resumed && row.status !== 'pending' && row.status !== 'running') throw conflict(`${family.noun} ${job.id} cannot be resumed now`);
  return row;
}

class ResumeRace extends Error {}
