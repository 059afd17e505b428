import { loadChemistry } from '@boltz/chemistry';
import type { EngineOutcome, PredictionJob, PredictionKind } from '@boltz/engines';
import { settleJob } from '../billing/spending.ts';
import type { PredictionFamily } from '../families/family.ts';
import { PendingResultFiles } from './job-files.ts';
import type { RunContext } from './runner.ts';

/**
 * One attempt at a prediction: the engine computes the whole `output`, which is committed with
 * its files and its settlement (ENGINE.md §9 "Settlement": charged on success) in the
 * transaction that ends the job.
 */
export async function runPrediction<K extends PredictionKind>(context: RunContext, family: PredictionFamily<K>): Promise<void> {
  const { job, options, signal } = context;
  const input = job.input === null ? null : JSON.parse(job.input);
  const engine = input === null ? undefined : options.engines.predictionEngine(job.mode, family, input, await loadChemistry());
  if (!engine) {
    await context.finish({ status: 'failed', version: job.version, error: { code: 'engine_unavailable', message: 'No engine can run this job here.' } });
    return;
  }
  const files = new PendingResultFiles(options.blobs, job, options.now);
  const livemode = job.mode === 'live';
  // Only live engines read input files (the synthetic engine derives everything from the
  // request), so a test job's inputs — up to 16 × 5 MiB — are not fetched from storage.
  const inputFiles = livemode ? await context.inputFiles() : new Map();
  const prediction = { id: job.id, kind: family.kind, livemode, input, inputFiles, workDir: await context.workDir() } as unknown as PredictionJob<K>;
  const outcome = await engine.run(prediction, files, signal).catch((error): EngineOutcome => {
    options.log.error({ err: error, jobId: job.id }, 'engine threw');
    return { status: 'failed', version: engine.version, error: { code: 'engine_failed', message: 'The engine failed unexpectedly.' } };
  });
  if (context.interrupted()) {
    await files.discard();
    return context.handBack();
  }
  if (outcome.status === 'failed') return context.finish(outcome);
  const fileRows = files.take();
  await context.finish({
    status: 'succeeded',
    version: outcome.version,
    output: outcome.output,
    async commit(tx) {
      await tx.files.insert(fileRows);
      await settleJob(tx, {
        jobId: job.id,
        organizationId: job.organization_id,
        workspaceId: job.workspace_id,
        mode: job.mode,
        application: family.application,
        quantity: job.billed_units,
        costMilliUsd: job.cost_milli_usd,
        now: options.now(),
      });
    },
  });
}
