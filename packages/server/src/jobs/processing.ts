import type { FastifyBaseLogger } from 'fastify';
import { type BlobStore, type Storage, localBlobStoreIn } from '@boltz/storage';
import type { ServerConfig } from '../config.ts';
import { UrlSigner, loadSigningSecret } from '../files/url-signer.ts';
import type { JobObserver } from '../metrics.ts';
import { EngineSet } from './engines.ts';
import { RetentionSweeper } from './retention-sweeper.ts';
import { JobRunner } from './runner.ts';
import { removeOrphanedScratchFolders } from './scratch.ts';

/** A blob write takes seconds; a temporary file an hour old belongs to no write in progress. */
const INCOMPLETE_WRITE_AGE_MS = 3600_000;

/** What job routes and runners share: where bytes live, how URLs are signed, which engines run. */
export interface JobServices {
  blobs: BlobStore;
  urlSigner: UrlSigner;
  engines: EngineSet;
}

export function createJobServices(config: ServerConfig): JobServices {
  return {
    blobs: localBlobStoreIn(config.dataDir),
    urlSigner: new UrlSigner(loadSigningSecret(config.dataDir, config.jobs.files.urlSigningSecret), config.jobs.files.urlLifetimeSeconds),
    engines: new EngineSet(config.jobs),
  };
}

/** What the API tells the runners: a job is due now (or at `at`); a job was stopped. */
export interface JobQueue {
  wake(at?: string): void;
  interrupt(jobId: string): void;
}

/**
 * The background work of a process: job runners (unless BOLTZ_RUNNERS=0 in a serving process)
 * and the retention sweeper.
 */
export class JobProcessing implements JobQueue {
  private readonly runner?: JobRunner;
  private readonly sweeper: RetentionSweeper;

  constructor(
    private readonly deps: JobServices & { storage: Storage; config: ServerConfig; now: () => Date; log: FastifyBaseLogger; observer?: JobObserver },
    options: { runners: boolean },
  ) {
    const { jobs } = deps.config;
    if (options.runners) {
      this.runner = new JobRunner({
        storage: deps.storage,
        blobs: deps.blobs,
        engines: deps.engines,
        concurrency: jobs.concurrency,
        leaseMs: jobs.leaseMs,
        pollMs: jobs.pollMs,
        now: deps.now,
        log: deps.log,
        observer: deps.observer,
      });
    }
    this.sweeper = new RetentionSweeper(deps.storage, deps.blobs, jobs.retentionSweepMs, deps.now, deps.log);
  }

  start(): void {
    for (const probe of this.deps.engines.probes()) {
      if (probe.ok) this.deps.log.info({ engine: probe.engine, version: probe.version, families: probe.families }, 'live engine ready');
      else this.deps.log.warn({ engine: probe.engine, families: probe.families, problems: probe.problems }, 'live engine has problems');
    }
    this.runner?.start();
    this.sweeper.start();
    void this.cleanUpAfterCrashes();
  }

  /**
   * What a process killed with SIGKILL left on this host: its runs' scratch folders and
   * half-written result files. In the background: a big results folder takes a while to walk.
   */
  private async cleanUpAfterCrashes(): Promise<void> {
    try {
      const engineProcesses = await this.deps.engines.endOrphanedProcesses();
      const scratch = await removeOrphanedScratchFolders();
      const writes = await this.deps.blobs.removeIncompleteWrites(new Date(this.deps.now().getTime() - INCOMPLETE_WRITE_AGE_MS));
      if (scratch + writes + engineProcesses > 0) this.deps.log.info({ scratchFolders: scratch, incompleteWrites: writes, engineProcesses }, 'removed what crashed runs left behind');
    } catch (error) {
      this.deps.log.warn({ err: error }, 'cleaning up after crashed runs failed');
    }
  }

  wake(at?: string): void {
    this.runner?.wake(at);
  }

  interrupt(jobId: string): void {
    this.runner?.interrupt(jobId);
  }

  async stop(): Promise<void> {
    await Promise.all([this.runner?.stop(), this.sweeper.stop()]);
  }
}
