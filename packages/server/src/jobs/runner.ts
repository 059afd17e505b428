import { rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { JobObserver } from '../metrics.ts';
import type { InputFile, JobError } from '@boltz/engines';
import { randomBase62 } from '@boltz/shared';
import type { BlobStore, JobRow, Lease, Storage, Stores } from '@boltz/storage';
import { releaseSpend } from '../billing/spending.ts';
import { familyOf } from '../families/registry.ts';
import { retentionHours } from '../resources/workspace.ts';
import type { EngineSet } from './engines.ts';
import { inputFilesOf } from './run-input.ts';
import { runPipeline } from './run-pipeline.ts';
import { runPrediction } from './run-prediction.ts';
import { makeScratchFolder } from './scratch.ts';

/**
 * A job whose runs keep dying (a crash it causes itself, an input that cannot be read) would
 * otherwise be taken over forever; after this many attempts it fails instead. A graceful
 * shutdown hands its job back without spending an attempt (JobStore.releaseLease).
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
  /** Told of every job this runner ends (metrics.ts). */
  observer?: JobObserver;
}

/** What a job's run needs from the runner: its lease, its decoded input files, and how to end it. */
export interface RunContext {
  readonly options: RunnerOptions;
  readonly owner: string;
  readonly job: JobRow;
  readonly signal: AbortSignal;
  /** True once the lease was lost or the runner is shutting down: nothing more may be written. */
  interrupted(): boolean;
  inputFiles(): Promise<Map<string, InputFile>>;
  /** A private scratch directory, created on first use and removed after the run. */
  workDir(): Promise<string>;
  /** Ends the job (status, completion fields, what `commit` adds) if the lease is still held. */
  finish(completion: Completion): Promise<void>;
  /** The run was interrupted: on shutdown the job goes back to the queue; otherwise someone else owns it now. */
  handBack(): Promise<void>;
}

export type Completion =
  /** `commit` adds its writes (result files, settlement) to the transaction that ends the job. */
  | { status: 'succeeded'; version: string; output?: unknown; commit?: (tx: Stores) => Promise<void> }
  | { status: 'failed'; version: string; error: JobError };

/**
 * Runs jobs from the job table (DESIGN.md "the job table is the queue"). A job is claimed by
 * taking its lease, the lease is renewed while the engine works, and the job's writes — a
 * prediction's completion, a pipeline's result batches — happen only while the lease is still
 * held. A runner that dies stops renewing; once its lease expires, any runner takes the job
 * again, so no job is lost and none completes twice.
 */
export class JobRunner {
  /** This runner; each claim adds a suffix of its own (see `lease`). */
  readonly name = `${hostname().slice(0, 40)}-${process.pid}-${randomBase62(8)}`;
  /** Runs in progress, by lease owner (one job can briefly have a stale run and its successor here). */
  private readonly active = new Map<string, { jobId: string; abort: AbortController; done: Promise<void> }>();
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

  /** The job was stopped through the API on this process: its engine stops now, not at the next heartbeat. */
  interrupt(jobId: string): void {
    for (const run of this.active.values()) if (run.jobId === jobId) run.abort.abort();
  }

  /** Stops claiming, stops running jobs and hands their leases back for another runner. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    await this.dispatching;
    for (const { abort } of this.active.values()) abort.abort();
    await Promise.all([...this.active.values()].map((run) => run.done));
  }

  /**
   * A lease for one claim. The owner names the claim, not just this process: if a run here misses
   * its heartbeats long enough for the job to be claimed again (by this very runner), the stale
   * run can no longer write anything.
   */
  private lease(owner = `${this.name}-${randomBase62(6)}`): Lease {
    return { owner, expiresAt: new Date(this.options.now().getTime() + this.options.leaseMs).toISOString() };
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
          job = await storage.jobs.claimNext(engines.runnable(), this.lease(), this.options.now().toISOString());
        } catch (error) {
          log.error({ err: error }, 'claiming a job failed');
        }
        if (job && !this.stopping) {
          this.launch(job);
          continue;
        }
        if (job) await storage.jobs.releaseLease(job.id, job.lease_owner!, this.options.now().toISOString());
      }
      await this.idle(pollMs);
    }
  }

  private launch(job: JobRow): void {
    const abort = new AbortController();
    const owner = job.lease_owner!;
    const done = this.run(job, abort)
      .catch((error) => this.options.log.error({ err: error, jobId: job.id }, 'job run failed'))
      .finally(() => {
        this.active.delete(owner);
        this.wakeUp?.();
      });
    this.active.set(owner, { jobId: job.id, abort, done });
  }

  private async run(job: JobRow, abort: AbortController): Promise<void> {
    const { storage, leaseMs, log } = this.options;
    const owner = job.lease_owner!;
    let leaseLost = false;
    const heartbeat = setInterval(() => {
      storage.jobs.renewLease(job.id, this.lease(owner)).then(
        (held) => {
          if (!held) {
            leaseLost = true;
            abort.abort();
          }
        },
        // A database hiccup is not a lost lease; every write re-checks the lease anyway.
        (error) => log.warn({ err: error, jobId: job.id }, 'lease renewal failed'),
      );
    }, Math.max(100, Math.floor(leaseMs / 3)));
    let workDir: string | undefined;
    const startedAt = performance.now();
    const family = familyOf(job.kind);
    const context: RunContext = {
      options: this.options,
      owner,
      job,
      signal: abort.signal,
      interrupted: () => leaseLost || this.stopping || abort.signal.aborted,
      inputFiles: () => inputFilesOf(storage, this.options.blobs, job),
      workDir: async () => (workDir ??= await makeScratchFolder(job.id)),
      finish: async (completion) => {
        if (this.stopping) await context.handBack();
        else if (!leaseLost) await this.complete(job, owner, completion, startedAt);
      },
      handBack: async () => {
        if (this.stopping) await storage.jobs.releaseLease(job.id, owner, this.options.now().toISOString());
      },
    };
    try {
      if (job.attempts > MAX_ATTEMPTS) {
        const message = `The job was interrupted ${MAX_ATTEMPTS} times and was given up.`;
        await context.finish({ status: 'failed', version: job.version, error: { code: 'engine_failed', message } });
      } else if (family.type === 'prediction') {
        await runPrediction(context, family);
      } else {
        await runPipeline(context, family);
      }
    } finally {
      clearInterval(heartbeat);
      if (workDir) await rm(workDir, { recursive: true, force: true });
    }
  }

  private async complete(job: JobRow, owner: string, completion: Completion, startedAt: number): Promise<void> {
    const { storage } = this.options;
    const now = this.options.now();
    const workspace = await storage.workspaces.find({ organizationId: job.organization_id }, job.workspace_id);
    const retentionMs = workspace ? retentionHours({ unit: workspace.retention_unit, value: workspace.retention_value }) * 3600_000 : 0;
    const expiresAt = new Date(now.getTime() + retentionMs).toISOString();
    const ended = await storage.transaction(async (tx) => {
      const completed = await tx.jobs.complete(
        job.id,
        owner,
        completion.status === 'succeeded'
          ? { status: 'succeeded', version: completion.version, output: completion.output === undefined ? undefined : JSON.stringify(completion.output) }
          : { status: 'failed', version: completion.version, error: JSON.stringify(completion.error) },
        now.toISOString(),
        expiresAt,
      );
      if (!completed) return false;
      if (completion.status === 'succeeded') await completion.commit?.(tx);
      // Whatever is still reserved was not produced: a failure, or a pipeline that billed less.
      await releaseSpend(tx, job.id);
      return true;
    });
    if (!ended) return;
    this.options.observer?.jobEnded({
      kind: job.kind,
      engine: completion.version,
      status: completion.status,
      errorCode: completion.status === 'failed' ? completion.error.code : undefined,
      runSeconds: (performance.now() - startedAt) / 1000,
    });
  }
}
