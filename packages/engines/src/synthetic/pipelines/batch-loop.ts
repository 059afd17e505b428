import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';
import type { PipelineKind } from '../../job-types.ts';
import type { JobError } from '../../engine.ts';
import type { PipelineOutcome, ResultBatch, ResultSink } from '../../pipeline.ts';

/**
 * How fast a test-mode pipeline produces results (packages/server/src/families/common/test-timing.ts
 * sets the presets).
 */
export interface SyntheticPipelineTiming {
  /** Results per committed batch. */
  batchSize: number;
  /** Pause before each batch (ms), so clients can watch a run progress and stop it. */
  intervalMs: number;
}

export const SYNTHETIC_PIPELINE_VERSION = 'synthetic-pipelines-1';

export const INTERRUPTED: PipelineOutcome = { status: 'failed', error: { code: 'interrupted', message: 'The run was interrupted.' } };

/**
 * The loop every test-mode pipeline engine runs (packages/engines/src/pipeline.ts): pause, ask
 * `next` for the following batch, commit it, until `next` answers null (the run is complete) or
 * an error (the run fails with it).
 * A stop, a lost lease or a shutdown aborts `signal`: the loop returns before the next batch,
 * and `sink.commit` rejects with RunInterrupted if it happens during one.
 */
export async function runBatches<K extends PipelineKind>(
  timing: SyntheticPipelineTiming,
  sink: ResultSink<K>,
  signal: AbortSignal,
  next: () => Promise<ResultBatch<K> | null | { error: JobError }>,
): Promise<PipelineOutcome> {
  for (;;) {
    // Even `instant` runs let the process serve requests between batches.
    if (timing.intervalMs > 0) await sleep(timing.intervalMs, undefined, { signal }).catch(() => undefined);
    else await yieldToEventLoop();
    if (signal.aborted) return INTERRUPTED;
    const batch = await next();
    if (batch === null) return { status: 'succeeded' };
    if ('error' in batch) return { status: 'failed', error: batch.error };
    if (signal.aborted) return INTERRUPTED;
    await sink.commit(batch);
  }
}
