import type { SyntheticPipelineTiming } from '@boltz/engines';
import type { TestTiming } from '../../jobs/config.ts';

/**
 * How fast test-mode pipelines produce results. `fast` (the default): a 100-result run is done
 * in about two seconds and its first rows appear within half a second, so clients see progress
 * and can stop it; `realistic`: one result every 30 s, about the pace of BoltzGen on one GPU
 * (spec/PIPELINE-ENGINES.md §1.3); `instant`: as fast as the machine goes.
 */
export const SYNTHETIC_PIPELINE_TIMING: Record<TestTiming, SyntheticPipelineTiming> = {
  instant: { batchSize: 20, intervalMs: 0 },
  fast: { batchSize: 10, intervalMs: 200 },
  realistic: { batchSize: 1, intervalMs: 30_000 },
};

/** How long a test-mode pipeline run waits in `pending`: a moment under `fast`, as a queued GPU run would under `realistic`. */
export const SYNTHETIC_PIPELINE_PENDING_MS: Record<TestTiming, number> = { instant: 0, fast: 100, realistic: 10_000 };
