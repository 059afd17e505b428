import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { EngineOutcome, InputFile } from '@boltz/engines';
import { randomBase62 } from '@boltz/shared';
import { type BlobStore, JobStore, type JobRow, type Lease, type Storage } from '@boltz/storage';
import { releaseSpend, settleJob } from '../billing/spending.ts';
import { retentionHours } from '../resources/workspace.ts';
import type { EngineSet } from './engines.ts';
import { FAMILY_OF_KIND } from './families.ts';
import { JobResultFiles } from './job-files.ts';

/**
 * A job whose runs keep dying (a crash it causes itself, an input that cannot be read) would
 * otherwise be taken over forever; after this many attempts it fails instead.
 */
export const MAX_ATTEMPTS = 5;

export interface RunnerOptions {
  storage: Storage;
  blobs: BlobStore;
  engines: EngineSet;
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  now: () => Date;
  log: FastifyBaseLogger;
}

/**
 * Runs prediction jobs from the job table (DESIGN.md "the job table is the queue"). A job is
 * claimed by taking its lease, the lease is renewed while the engine works, and the job is
 * completed — status, output and settlement in one transaction — only while the lease is still
 * held. A runner that dies stops renewing; once its lease expires, any runner takes the job
 * again, so no job is lost and none completes twice.
 */
export class JobRunner {
  readonly owner = `${hostname().slice(0, 40)}-${process.pid}-${randomBase62(8)}`;
  private readonly active = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private stopping = false;
  private dispatching?: Promise<void>;
  private wakeUp?: () => void;

  constructor(private readonly options: RunnerOptions) {}

  start(): void {
    this.dispatching ??= this.dispatch();
  }

  /** A job became due (or will at `at`): look now instead of at the next poll. */
  wake(at?: string): void {
    const delay = at ? Date.parse(at) - this.options.now().getTime() : 0;
    if (delay > 0) setTimeout(() => this.wakeUp?.(), delay).unref();
    else this.wakeUp?.();
  }

  /** Stops claiming, stops running jobs and hands their leases back for another runner. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.dispatching;
    for (const { abort } of this.active.values()) abort.abort();
    await Promise.all([...this.active.values()].map((run) => run.done));
  }

  private lease(): Lease {
    return { owner: this.owner, expiresAt: new Date(this.options.now().getTime() + this.options.leaseMs).toISOString() };
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  private async dispatch(): Promise<void> {
    const { storage, engines, pollMs, concurrency, log } = this.options;
    while (!this.stopping) {
      if (this.active.size < concurrency) {
        let job: JobRow | undefined;
        try {
          job = await storage.jobs.claimNext(engines.runnableModes(), this.lease(), this.options.now().toISOString());
        } catch (error) {
          log.error({ err: error }, 'claiming a job failed');
        }
        if (job && !this.stopping) {
          this.launch(job);
          continue;
        }
        if (job) await storage.jobs.releaseLease(job.id, this.owner, this.options.now().toISOString());
      }
      await this.idle(pollMs);
    }
  }

  private launch(job: JobRow): void {
    const abort = new AbortController();
    const done = this.run(job, abort)
      .catch((error) => this.options.log.error({ err: error, jobId: job.id }, 'job run failed'))
      .finally(() => {
        this.active.delete(job.id);
        this.wakeUp?.();
      });
    this.active.set(job.id, { abort, done });
  }

  private async inputFilesOf(job: JobRow): Promise<Map<string, InputFile>> {
    const byPath: Record<string, string> = job.input_files ? JSON.parse(job.input_files) : {};
    const rows = await this.options.storage.files.findLive(Object.values(byPath));
    const byId = new Map(rows.map((row) => [row.id, row]));
    const files = new Map<string, InputFile>();
    for (const [path, fileId] of Object.entries(byPath)) {
      const row = byId.get(fileId);
      if (row) files.set(path, { data: await this.options.blobs.readAll(row.storage_key), mediaType: row.media_type });
    }
    return files;
  }

  private async run(job: JobRow, abort: AbortController): Promise<void> {
    const { storage, blobs, engines, leaseMs, log } = this.options;
    let leaseLost = false;
    const heartbeat = setInterval(() => {
      storage.jobs.renewLease(job.id, this.lease()).then(
        (held) => {
          if (!held) {
            leaseLost = true;
            abort.abort();
          }
        },
        // A database hiccup is not a lost lease; completion re-checks the lease anyway.
        (error) => log.warn({ err: error, jobId: job.id }, 'lease renewal failed'),
      );
    }, Math.max(100, Math.floor(leaseMs / 3)));
    let workDir: string | undefined;
    try {
      if (job.attempts > 1) {
        // An earlier attempt died mid-way: its partial results must not leak into this one.
        await blobs.delete(await storage.files.markDeletedForJob(job.id, this.options.now().toISOString(), 'output'));
      }
      const input = job.input === null ? null : JSON.parse(job.input);
      const engine = input === null ? undefined : await engines.engineFor(job.mode, job.kind, input);
      let outcome: EngineOutcome;
      if (job.attempts > MAX_ATTEMPTS) {
        outcome = { status: 'failed', version: job.version, error: { code: 'engine_failed', message: `The job was interrupted ${MAX_ATTEMPTS} times and was given up.` } };
      } else if (!engine) {
        outcome = { status: 'failed', version: job.version, error: { code: 'engine_unavailable', message: 'No engine can run this job here.' } };
      } else {
        workDir = await mkdtemp(join(tmpdir(), `boltz-${job.id}-`));
        const prediction = { id: job.id, kind: job.kind, livemode: job.mode === 'live', input, inputFiles: await this.inputFilesOf(job), workDir };
        outcome = await engine
          .run(prediction, new JobResultFiles(storage, blobs, job, this.options.now), abort.signal)
          .catch((error): EngineOutcome => {
            log.error({ err: error, jobId: job.id }, 'engine threw');
            return { status: 'failed', version: engine.version, error: { code: 'engine_failed', message: 'The engine failed unexpectedly.' } };
          });
      }
      if (leaseLost) return;
      if (this.stopping) {
        await storage.jobs.releaseLease(job.id, this.owner, this.options.now().toISOString());
        return;
      }
      await this.complete(job, outcome);
    } finally {
      clearInterval(heartbeat);
      if (workDir) await rm(workDir, { recursive: true, force: true });
    }
  }

  private async complete(job: JobRow, outcome: EngineOutcome): Promise<void> {
    const { storage } = this.options;
    const now = this.options.now();
    const workspace = await storage.workspaces.find({ organizationId: job.organization_id }, job.workspace_id);
    const retentionMs = workspace ? retentionHours({ unit: workspace.retention_unit, value: workspace.retention_value }) * 3600_000 : 0;
    const expiresAt = new Date(now.getTime() + retentionMs).toISOString();
    const completion =
      outcome.status === 'succeeded'
        ? { status: 'succeeded' as const, output: JSON.stringify(outcome.output), version: outcome.version }
        : { status: 'failed' as const, error: JSON.stringify(outcome.error), version: outcome.version };
    await storage.db.transaction().execute(async (trx) => {
      if (!(await new JobStore(trx, storage.dialect).complete(job.id, this.owner, completion, now.toISOString(), expiresAt))) return;
      if (outcome.status === 'succeeded') {
        // Predictions charge their estimate on success (ENGINE.md §9 "Settlement").
        await settleJob(trx, {
          jobId: job.id,
          organizationId: job.organization_id,
          workspaceId: job.workspace_id,
          mode: job.mode,
          application: FAMILY_OF_KIND[job.kind].application,
          quantity: job.billed_units,
          costMilliUsd: job.cost_milli_usd,
          now,
        });
      } else {
        await releaseSpend(trx, job.id);
      }
    });
  }
}
