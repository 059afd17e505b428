import { setTimeout as sleep } from 'node:timers/promises';
import { loadChemistry } from '@boltz/chemistry';
import type { EngineOutcome, PredictionEngine } from '../engine.ts';
import { predictAdme } from './adme.ts';
import { predictStructureAndBinding } from './structure-and-binding.ts';

export { predictAdme, admeFromDescriptors } from './adme.ts';
export { canonicalJson } from './random.ts';

export interface SyntheticEngineOptions {
  /** How long a job stays `running` before its result is written (ms; default 0). */
  runningMs?: number;
}

const VERSION = 'synthetic-1';

/**
 * The test-mode engine (spec/DESIGN.md: test-mode jobs always go here): deterministic results
 * for structure-and-binding and ADME, no GPU. `runningMs` lets clients observe `running`; the
 * wait ends early, failing the job with `timeout`, when the runner aborts.
 */
export function createSyntheticEngine(options: SyntheticEngineOptions = {}): PredictionEngine {
  const runningMs = options.runningMs ?? 0;
  return {
    version: VERSION,
    supports: (kind) => kind === 'structure_and_binding' || kind === 'adme',
    async run(job, files, signal): Promise<EngineOutcome> {
      try {
        if (runningMs > 0) await sleep(runningMs, undefined, { signal });
        signal.throwIfAborted();
      } catch {
        return { status: 'failed', version: VERSION, error: { code: 'timeout', message: 'The prediction was stopped before it finished.' } };
      }
      const chemistry = await loadChemistry();
      const output =
        job.kind === 'adme' ? predictAdme(job.input, chemistry) : await predictStructureAndBinding(job.input, chemistry, files);
      return { status: 'succeeded', version: VERSION, output };
    },
  };
}
