import { setTimeout as sleep } from 'node:timers/promises';
import type { EngineOutcome, PredictionEngine } from '../engine.ts';
import { storePackedOutput, type PackedStructureOutput } from '../structure-output.ts';
import { sharedWorkerPool, siblingModule, type WorkerPool } from '../worker-pool.ts';
import { predictAdme } from './adme.ts';

export { predictAdme, admeFromDescriptors } from './adme.ts';
export { canonicalJson } from './random.ts';
export { synthesizeStructureAndBinding, complexSpecOf } from './structure-and-binding.ts';
export { synthesizeComplex, type ComplexSpec, type EntitySpec, type SiteRef, type SynthesizedComplex, type ChainSummary } from './complex.ts';
export type { ComplexConfidence } from './confidence.ts';
export type { ResidueAtoms } from './protein-fold.ts';

export interface SyntheticEngineOptions {
  /** How long a job stays `running` before its result is written (ms; default 0). */
  runningMs?: number;
  /** Worker threads for the structure computation (default: one pool shared by the process). */
  pool?: WorkerPool;
}

const VERSION = 'synthetic-1';

/**
 * Free work is bounded (README "Request limits"): a test-mode prediction writes one PAE matrix
 * of tokens² float32 values per sample, and the largest inputs (5,000 tokens × 10 samples: 2.5 ×
 * 10⁸ cells, a quarter-gigabyte archive and gigabytes of memory) would cost more than a free job
 * should. Up to 3,535 tokens with 1 sample, or 1,118 with 10, run.
 */
export const MAX_TEST_PAE_CELLS = 12_500_000;

/** Tokens of a structure-and-binding input, roughly: residues per polymer chain, heavy atoms per ligand (letters of its SMILES; 40 per CCD code). */
function approximateTokens(input: { entities?: Array<{ type: string; value?: unknown; chain_ids?: unknown[] }> }): number {
  return (input.entities ?? []).reduce((sum, entity) => {
    const copies = entity.chain_ids?.length ?? 1;
    const value = typeof entity.value === 'string' ? entity.value : '';
    const tokens = entity.type === 'ligand_smiles' ? (value.match(/[A-GI-Z]/g) ?? []).length : entity.type === 'ligand_ccd' ? 40 : value.length;
    return sum + copies * tokens;
  }, 0);
}

/** The synthetic engine's worker tasks (./tasks.ts), e.g. `{ ...SYNTHETIC_TASKS.complex }` for a pipeline's rows. */
export const SYNTHETIC_TASKS = {
  structureAndBinding: { module: siblingModule('./tasks', import.meta.url), name: 'structureAndBinding' },
  complex: { module: siblingModule('./tasks', import.meta.url), name: 'complex' },
  adme: { module: siblingModule('./tasks', import.meta.url), name: 'adme' },
} as const;

/**
 * The test-mode engine (spec/DESIGN.md: test-mode jobs always go here): deterministic results
 * for structure-and-binding and ADME, no GPU. Structures and ADME descriptors are computed in a
 * worker thread (the event loop only stores the bytes); `runningMs` lets clients observe `running`; the wait (and
 * the computation) ends early, failing the job with `timeout`, when the runner aborts.
 */
export function createSyntheticEngine(options: SyntheticEngineOptions = {}): PredictionEngine {
  const runningMs = options.runningMs ?? 0;
  const stopped = (): EngineOutcome => ({ status: 'failed', version: VERSION, error: { code: 'timeout', message: 'The prediction was stopped before it finished.' } });
  return {
    version: VERSION,
    supports: (kind) => kind === 'structure_and_binding' || kind === 'adme',
    async run(job, files, signal): Promise<EngineOutcome> {
      try {
        if (runningMs > 0) await sleep(runningMs, undefined, { signal });
        signal.throwIfAborted();
      } catch {
        return stopped();
      }
      const pool = options.pool ?? sharedWorkerPool();
      try {
        if (job.kind === 'adme') {
          const output = await pool.run<ReturnType<typeof predictAdme>>(SYNTHETIC_TASKS.adme, { input: job.input }, signal);
          return { status: 'succeeded', version: VERSION, output };
        }
        const tokens = approximateTokens(job.input as never);
        const samples = (job.input as { num_samples?: number }).num_samples ?? 1;
        if (tokens * tokens * samples > MAX_TEST_PAE_CELLS) {
          const message = `Test mode synthesizes at most ${MAX_TEST_PAE_CELLS.toLocaleString('en')} PAE cells (tokens² × num_samples); this job needs about ${(tokens * tokens * samples).toLocaleString('en')}. Use fewer samples or a smaller system, or a live key.`;
          return { status: 'failed', version: VERSION, error: { code: 'test_mode_limit', message } };
        }
        const packed = await pool.run<PackedStructureOutput>(SYNTHETIC_TASKS.structureAndBinding, { input: job.input }, signal);
        return { status: 'succeeded', version: VERSION, output: await storePackedOutput(packed, files) };
      } catch (error) {
        if (signal.aborted) return stopped();
        throw error;
      }
    },
  };
}
