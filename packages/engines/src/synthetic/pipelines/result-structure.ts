import type { JobInput } from '../../job-types.ts';
import type { Float32Array2D } from '../../npz.ts';
import type { BindingMetrics, SampleMetrics } from '../../structure-output.ts';
import { sharedWorkerPool, type WorkerPool } from '../../worker-pool.ts';
import type { SynthesizedComplex } from '../complex.ts';
import { SYNTHETIC_TASKS } from '../index.ts';
import { bindingMetricsOf, complexSpecOf } from '../structure-and-binding.ts';

/**
 * The structure of one pipeline result in test mode: the complex of its entities (target and
 * designed or screened chains, or a ligand), synthesized exactly as a test-mode structure
 * prediction of the same entities would be (./../complex.ts), so that its metrics, PAE and
 * coordinates agree with each other. Deterministic for the same entities and seed.
 */
export interface ResultStructure {
  cif: string;
  pae: Float32Array2D;
  metrics: SampleMetrics;
  binding?: BindingMetrics;
  /** Token ranges of each chain, for interface metrics. */
  chains: Array<{ id: string; tokenStart: number; tokenEnd: number }>;
}

type Entities = JobInput<'structure_and_binding'>['entities'];
type Binding = JobInput<'structure_and_binding'>['binding'];
/** Bonds and constraints of the complex: the pocket residues a ligand must sit at, contacts. */
type Restraints = Pick<JobInput<'structure_and_binding'>, 'bonds' | 'constraints'>;

/** Folding, packing and confidence grow with the complex: they run in the engines' worker pool. */
export async function resultStructure(entities: Entities, binding: Binding, seed: string, restraints: Restraints = {}, pool: WorkerPool = sharedWorkerPool()): Promise<ResultStructure> {
  const complex = await pool.run<SynthesizedComplex>(SYNTHETIC_TASKS.complex, { spec: complexSpecOf({ entities, binding, ...restraints }), seed });
  return { cif: complex.cif, pae: complex.pae, metrics: complex.confidence.metrics, binding: bindingMetricsOf(binding, complex), chains: complex.chains };
}

/** Smallest PAE between tokens of `a` and `b`, both directions (BoltzGen's `min_interaction_pae`, Å). */
export function minInteractionPae(structure: ResultStructure, a: readonly string[], b: readonly string[]): number {
  const ranges = (ids: readonly string[]) => structure.chains.filter((chain) => ids.includes(chain.id));
  const { pae } = structure;
  let min = Infinity;
  for (const x of ranges(a)) {
    for (const y of ranges(b)) {
      for (let i = x.tokenStart; i < x.tokenEnd; i++) {
        for (let j = y.tokenStart; j < y.tokenEnd; j++) min = Math.min(min, pae.values[i * pae.cols + j], pae.values[j * pae.cols + i]);
      }
    }
  }
  return Number.isFinite(min) ? Math.round(min * 1000) / 1000 : 0;
}

/**
 * ipSAE (Dunbrack 2025, spec/PIPELINE-ENGINES.md §3.4): for each residue i of one side, the mean
 * of 1/(1+(PAE/d0)²) over residues j of the other side with PAE < 10 Å; the best i per direction,
 * and the smaller of the two directions.
 */
export function ipsaeMin(structure: ResultStructure, a: readonly string[], b: readonly string[]): number {
  const tokens = (ids: readonly string[]) => structure.chains.filter((chain) => ids.includes(chain.id)).flatMap((c) => Array.from({ length: c.tokenEnd - c.tokenStart }, (_, k) => c.tokenStart + k));
  const { pae } = structure;
  const direction = (from: number[], to: number[]) => {
    let best = 0;
    for (const i of from) {
      const close = to.map((j) => pae.values[i * pae.cols + j]).filter((value) => value < 10);
      if (close.length === 0) continue;
      const d0 = Math.max(1, 1.24 * Math.cbrt(Math.max(close.length, 27) - 15) - 1.8);
      best = Math.max(best, close.reduce((sum, value) => sum + 1 / (1 + (value / d0) ** 2), 0) / close.length);
    }
    return best;
  };
  const left = tokens(a);
  const right = tokens(b);
  return Math.round(Math.min(direction(left, right), direction(right, left)) * 1e4) / 1e4;
}
