import type { FastifyBaseLogger } from 'fastify';
import type { BlobStore, Storage } from '@boltz/storage';
import { OVERDUE_AFTER_MS, deleteJobData, failOverdueJob, purgeResults } from './job-data.ts';

const BATCH = 100;
/** Result rows one sweep deletes per job whose data was deleted: big runs are purged over several sweeps. */
const PURGE_BUDGET = 50_000;

/**
 * Retention (spec/API.md §7.2): every `intervalMs`, deletes the data of jobs past `expires_at`,
 * fails jobs still unfinished 30 days after creation, and purges the result rows of runs whose
 * data was deleted. Every step is a conditional update,
 * so sweepers on several replicas may overlap harmlessly.
 */
export class RetentionSweeper {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    private readonly storage: Storage,
    private readonly blobs: BlobStore,
    private readonly intervalMs: number,
    private readonly now: () => Date,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.sweeping ??= this.sweep()
        .catch((error) => this.log.error({ err: error }, 'retention sweep failed'))
        .finally(() => (this.sweeping = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  async sweep(): Promise<void> {
    for (;;) {
      const now = this.now();
      const expired = await this.storage.jobs.findExpiredIds(now.toISOString(), BATCH);
      for (const id of expired) await deleteJobData(this.storage, this.blobs, id, now);
      if (expired.length < BATCH) break;
    }
    for (;;) {
      const now = this.now();
      const overdue = await this.storage.jobs.findOverdue(new Date(now.getTime() - OVERDUE_AFTER_MS).toISOString(), BATCH);
      for (const job of overdue) await failOverdueJob(this.storage, this.blobs, job.id, now);
      if (overdue.length < BATCH) break;
    }
    for (const id of await this.storage.jobs.findResultsToPurge(BATCH)) await purgeResults(this.storage, id, PURGE_BUDGET);
  }
}
