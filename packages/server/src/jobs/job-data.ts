import type { BlobStore, Storage } from '@boltz/storage';
import { releaseSpend } from '../billing/spending.ts';
import { jobFolderOf } from './job-files.ts';

/** Result rows deleted per statement when a run's results are purged (a million take a thousand). */
const PURGE_BATCH = 1000;

/**
 * Deletes a terminal job's input, output, results and files (spec/API.md §7.5, retention §7.2).
 * Rows change first, in one transaction, so reads answer "deleted" and URLs 404 from that moment;
 * the bytes and the result rows follow. Returns the time of the deletion; a repeat is a no-op
 * (the caller shows the first `data_deleted_at`).
 */
export async function deleteJobData(storage: Storage, blobs: BlobStore, jobId: string, now: Date): Promise<string> {
  const nowIso = now.toISOString();
  const job = await storage.transaction(async (tx) => {
    if (!(await tx.jobs.deleteData(jobId, nowIso))) return undefined;
    await tx.files.markDeletedForJob(jobId, nowIso);
    return tx.jobs.findById(jobId);
  });
  if (job) {
    await blobs.deleteFolder(jobFolderOf(job));
    await purgeResults(storage, jobId, PURGE_BATCH);
  }
  return nowIso;
}

/**
 * Deletes up to `budget` result rows of a job whose data was deleted, and records when none are
 * left; the retention sweeper finishes what one call leaves.
 */
export async function purgeResults(storage: Storage, jobId: string, budget: number): Promise<void> {
  for (let left = budget; left > 0; ) {
    const batch = Math.min(left, PURGE_BATCH);
    const deleted = await storage.results.deleteSome(jobId, batch);
    if (deleted < batch) {
      await storage.jobs.markResultsPurged(jobId);
      return;
    }
    left -= deleted;
  }
}

export const OVERDUE_AFTER_MS = 30 * 24 * 3600 * 1000;

/** A job not terminal 30 days after creation (stops included) is failed with `timeout` and purged (§7.2). */
export async function failOverdueJob(storage: Storage, blobs: BlobStore, jobId: string, now: Date): Promise<void> {
  const nowIso = now.toISOString();
  const error = JSON.stringify({ code: 'timeout', message: 'The job did not finish within 30 days of its creation.' });
  const job = await storage.transaction(async (tx) => {
    if (!(await tx.jobs.failOverdue(jobId, error, nowIso))) return undefined;
    await releaseSpend(tx, jobId);
    await tx.files.markDeletedForJob(jobId, nowIso);
    return tx.jobs.findById(jobId);
  });
  if (job) {
    await blobs.deleteFolder(jobFolderOf(job));
    await purgeResults(storage, jobId, PURGE_BATCH);
  }
}
