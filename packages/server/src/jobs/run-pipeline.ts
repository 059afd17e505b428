import {
  type PipelineKind,
  type PipelineOutcome,
  type PipelineProgress,
  type PipelineRun,
  type ResultBatch,
  type ResultSink,
  RunInterrupted,
} from '@boltz/engines';
import { nextIdAfter } from '@boltz/shared';
import type { JobResultRow } from '@boltz/storage';
import { settleJob } from '../billing/spending.ts';
import type { PipelineFamily } from '../families/family.ts';
import { PendingResultFiles } from './job-files.ts';
import { engineInputOf } from './run-input.ts';
import type { RunContext } from './runner.ts';

export const RESULT_ID_PREFIX = 'pres_';

/**
 * Commits an engine's batches (packages/engines/src/pipeline.ts): rows, their files, progress,
 * checkpoint and the batch's settlement in one transaction, guarded by the lease and by the
 * result count the runner last committed. Result ids are time-sortable and strictly increasing
 * within the run (even across runners whose clocks differ), so pages read oldest first by id
 * are in production order.
 */
class CommittingSink<K extends PipelineKind> implements ResultSink<K> {
  readonly files: PendingResultFiles;
  private resultCount: number;
  private settledUnits: number;
  private latestResultId: string | undefined;
  private checkpoint: string | null;

  constructor(
    private readonly context: RunContext,
    private readonly family: PipelineFamily<K>,
    progress: PipelineProgress<K> | null,
  ) {
    const { job, options } = context;
    this.files = new PendingResultFiles(options.blobs, job, options.now);
    this.resultCount = job.result_count;
    this.settledUnits = job.settled_units;
    this.latestResultId = progress?.latest_result_id;
    this.checkpoint = job.checkpoint;
  }

  async commit(batch: ResultBatch<K>): Promise<void> {
    const { job, owner, options } = this.context;
    if (this.context.interrupted()) throw new RunInterrupted('The run was stopped or handed back.');
    const now = options.now().toISOString();
    const rows: JobResultRow[] = batch.results.map((result, i) => {
      this.latestResultId = nextIdAfter(RESULT_ID_PREFIX, this.latestResultId);
      return { id: this.latestResultId, job_id: job.id, seq: this.resultCount + i, created_at: now, data: JSON.stringify(result) };
    });
    // Never bill past what was quoted and reserved (an engine that overshoots is a bug, not a charge).
    const units = Math.min(batch.billedUnits, job.billed_units - this.settledUnits);
    const progress = { ...batch.progress, ...(this.latestResultId ? { latest_result_id: this.latestResultId } : {}) };
    const checkpoint = batch.checkpoint === undefined ? this.checkpoint : JSON.stringify(batch.checkpoint);
    const fileRows = this.files.take();
    const committed = await options.storage.transaction(async (tx) => {
      const advanced = await tx.jobs.commitBatch(job.id, owner, {
        expectedResultCount: this.resultCount,
        addedResults: rows.length,
        addedUnits: units,
        progress: JSON.stringify(progress),
        checkpoint,
      });
      if (!advanced) return false;
      await tx.results.insert(rows);
      await tx.files.insert(fileRows);
      if (units > 0) {
        // One ledger row per settled batch, keyed by the units settled before it (spec/API.md §10).
        await settleJob(
          tx,
          {
            jobId: job.id,
            batch: this.settledUnits,
            organizationId: job.organization_id,
            workspaceId: job.workspace_id,
            mode: job.mode,
            application: this.family.application,
            quantity: units,
            costMilliUsd: units * job.unit_cost_milli_usd,
            now: options.now(),
          },
          false,
        );
      }
      return true;
    });
    if (!committed) {
      await this.files.discard(fileRows);
      throw new RunInterrupted('The run was stopped, or another runner took it over.');
    }
    this.resultCount += rows.length;
    this.settledUnits += units;
    this.checkpoint = checkpoint;
  }
}

/**
 * One attempt at a pipeline run: the engine continues from the last committed checkpoint and
 * delivers batches until it has produced everything, fails, or is interrupted (stop, lost
 * lease, shutdown). Only then does the run end; whatever was reserved but not produced is
 * released in the same transaction.
 */
export async function runPipeline<K extends PipelineKind>(context: RunContext, family: PipelineFamily<K>): Promise<void> {
  const { job, options, signal } = context;
  const engine = options.engines.pipelineEngine(job.mode, family);
  if (!engine || job.input === null) {
    await context.finish({ status: 'failed', version: job.version, error: { code: 'engine_unavailable', message: 'No engine can run this job here.' } });
    return;
  }
  const inputFiles = await context.inputFiles();
  const progress: PipelineProgress<K> | null = job.progress === null ? null : JSON.parse(job.progress);
  const sink = new CommittingSink(context, family, progress);
  const run = {
    id: job.id,
    kind: family.kind,
    livemode: job.mode === 'live',
    input: engineInputOf(family, job, inputFiles),
    inputFiles,
    workDir: await context.workDir(),
    resultCount: job.result_count,
    checkpoint: job.checkpoint === null ? null : JSON.parse(job.checkpoint),
    progress,
  } as PipelineRun<K>;

  let outcome: PipelineOutcome;
  try {
    outcome = await engine.run(run, sink, signal);
  } catch (error) {
    if (error instanceof RunInterrupted || context.interrupted()) {
      // Stopped or taken over: whoever holds the run now decides how it ends.
      await sink.files.discard();
      return context.handBack();
    }
    options.log.error({ err: error, jobId: job.id }, 'pipeline engine threw');
    outcome = { status: 'failed', error: { code: 'engine_failed', message: 'The engine failed unexpectedly.' } };
  }
  // Files stored for a batch the engine never committed.
  await sink.files.discard();
  if (context.interrupted()) return context.handBack();
  await context.finish(outcome.status === 'succeeded' ? { status: 'succeeded', version: engine.version } : { status: 'failed', version: engine.version, error: outcome.error });
}
