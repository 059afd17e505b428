import { FileStore, JobStore, type BlobStore, type Storage } from '@boltz/storage';
import { releaseSpend } from '../billing/spending.ts';

/**
 * Deletes a terminal job's input, output and files (spec/API.md §7.5, retention §7.2). Rows
 * change first, in one transaction, so URLs answer 404 from that moment; the bytes follow.
 * A repeat is a no-op that keeps the first `data_deleted_at`.
 */
export async function deleteJobData(storage: Storage, blobs: BlobStore, jobId: string, now: Date): Promise<void> {
  const nowIso = now.toISOString();
  const keys = await storage.db.transaction().execute(async (trx) => {
    if (!(await new JobStore(trx, storage.dialect).deleteData(jobId, nowIso))) return [];
    return new FileStore(trx).markDeletedForJob(jobId, nowIso);
  });
  await blobs.delete(keys);
}

export const OVERDUE_AFTER_MS = 30 * 24 * 3600 * 1000;

/** A job not terminal 30 days after creation is failed with `timeout` and purged (§7.2). */
export async function failOverdueJob(storage: Storage, blobs: BlobStore, jobId: string, now: Date): Promise<void> {
  const nowIso = now.toISOString();
  const error = JSON.stringify({ code: 'timeout', message: 'The job did not finish within 30 days of its creation.' });
  const keys = await storage.db.transaction().execute(async (trx) => {
    if (!(await new JobStore(trx, storage.dialect).failOverdue(jobId, error, nowIso))) return [];
    await releaseSpend(trx, jobId);
    return new FileStore(trx).markDeletedForJob(jobId, nowIso);
  });
  await blobs.delete(keys);
}
