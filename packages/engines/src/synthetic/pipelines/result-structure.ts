import type { JobInput, PipelineKind } from '../../job-types.ts';
import { type Float32Array2D, npz } from '../../npz.ts';
import { type PlannedChain, isDesigned } from '../../protein/design-plan.ts';
import type { BindingMetrics, SampleMetrics } from '../../structure-output.ts';
import { sharedWorkerPool, type WorkerPool } from '../../worker-pool.ts';
import type { Chemistry } from '@boltz/chemistry';
import { type ComplexSpec, type SynthesizedComplex, synthesizeComplex } from '../complex.ts';
import { SYNTHETIC_TASKS } from '../index.ts';
import { bindingMetricsOf, complexSpecOf } from '../structure-and-binding.ts';
import type { PositionOutcome, ResultRow } from './batches.ts';

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

/** Restraints of the complex, and `quality` ∈ [0, 1]: how confident the prediction is (drawn from the seed when omitted). */
export type StructureOptions = Restraints & { quality?: number };

function complexSpec(entities: Entities, binding: Binding, { quality, ...restraints }: StructureOptions): ComplexSpec {
  return { ...complexSpecOf({ entities, binding, ...restraints }), ...(quality === undefined ? {} : { quality }) };
}

function structureOf(binding: Binding, complex: SynthesizedComplex): ResultStructure {
  return { cif: complex.cif, pae: complex.pae, metrics: complex.confidence.metrics, binding: bindingMetricsOf(binding, complex), chains: complex.chains };
}

/** Folding, packing and confidence grow with the complex: they run in the engines' worker pool. */
export async function resultStructure(entities: Entities, binding: Binding, seed: string, options: StructureOptions = {}, pool: WorkerPool = sharedWorkerPool()): Promise<ResultStructure> {
  const complex = await pool.run<SynthesizedComplex>(SYNTHETIC_TASKS.complex, { spec: complexSpec(entities, binding, options), seed });
  return structureOf(binding, complex);
}

/** The same structure, for code that already runs in a worker thread (a task of the pool). */
export function resultStructureInWorker(entities: Entities, binding: Binding, seed: string, options: StructureOptions, chemistry: Chemistry): ResultStructure {
  return structureOf(binding, synthesizeComplex(complexSpec(entities, binding, options), seed, chemistry));
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

/** Helix / sheet / loop fractions from residue propensities (Chou–Fasman classes), summing to 1. */
export function secondaryStructureFractions(sequence: string): { helix_fraction: number; sheet_fraction: number; loop_fraction: number } {
  if (sequence.length <= 5) return { helix_fraction: 0, sheet_fraction: 0, loop_fraction: 1 };
  const count = (letters: string) => [...sequence].filter((letter) => letters.includes(letter)).length / sequence.length;
  const helix = Math.min(0.9, 1.1 * count('AELMQKRH'));
  const sheet = Math.min(0.9 - helix * 0.5, 0.8 * count('VIYFWT'));
  const round = (value: number) => Math.round(value * 1000) / 1000;
  const helixFraction = round(helix);
  const sheetFraction = round(Math.max(0, Math.min(1 - helixFraction, sheet)));
  return { helix_fraction: helixFraction, sheet_fraction: sheetFraction, loop_fraction: round(1 - helixFraction - sheetFraction) };
}

type Entity = Entities[number];

/** A planned chain as a result entity: designed chains as proteins with their `sequence`, fixed ones as the request gave them. */
export function entityOf(chain: PlannedChain, sequence?: string): Entity {
  if (chain.source && !isDesigned(chain)) return { ...chain.source, chain_ids: [chain.id] } as Entity;
  if (chain.type === 'protein' || chain.type === 'rna' || chain.type === 'dna') {
    return { type: chain.type, chain_ids: [chain.id], value: sequence ?? chain.segments.map((s) => (s.kind === 'fixed' ? s.sequence : '')).join(''), ...(chain.cyclic ? { cyclic: true } : {}) } as Entity;
  }
  return { type: chain.type, chain_ids: [chain.id], value: chain.value ?? '' } as Entity;
}

/**
 * The target's epitope residues as a pocket hint for the first binder chain, so that designs and
 * screened candidates pack against the epitope (any surface patch when the target names none).
 */
export function epitopeRestraints(target: readonly PlannedChain[], binderIds: readonly string[]): Restraints {
  const epitope = target.filter((chain) => chain.epitope?.length);
  if (binderIds.length === 0 || epitope.length === 0) return {};
  const contact_residues = Object.fromEntries(epitope.map((chain) => [chain.id, chain.epitope!]));
  return { constraints: [{ type: 'pocket', binder_chain_id: binderIds[0], contact_residues, max_distance_angstrom: EPITOPE_REACH }] };
}

/** Å from an epitope residue within which some binder atom must come. */
const EPITOPE_REACH = 10;

type Fractions = ReturnType<typeof secondaryStructureFractions>;

/** The binder metric set of protein pipelines (spec/API.md §10), from the structure of the complex. */
export function binderMetrics(structure: ResultStructure, binderIds: readonly string[], targetIds: readonly string[], fractions: Fractions) {
  return {
    binding_confidence: structure.binding?.binding_confidence ?? structure.metrics.iptm,
    iptm: structure.metrics.iptm,
    min_interaction_pae: minInteractionPae(structure, binderIds, targetIds),
    structure_confidence: structure.metrics.structure_confidence,
    ...fractions,
    ipsae_min: ipsaeMin(structure, binderIds, targetIds),
  };
}

/** The metrics of generic (target-less) protein results. */
export function genericMetrics(structure: ResultStructure, fractions: Fractions) {
  return { structure_confidence: structure.metrics.structure_confidence, ...fractions };
}

/**
 * A protein pipeline's result: its row (a `low_confidence` warning when the structure is
 * doubtful) and the files of its archive, the metrics in `metrics.json` exactly as in the row.
 */
export function proteinResult<K extends PipelineKind>(structure: ResultStructure, row: { entities: Entities; metrics: { structure_confidence: number } } & Record<string, unknown>, noun: string): PositionOutcome<K> {
  const warnings = row.metrics.structure_confidence < 0.6 ? [{ code: 'low_confidence', message: `The predicted structure of this ${noun} has low confidence.` }] : undefined;
  return {
    kind: 'result',
    row: { ...row, ...(warnings ? { warnings } : {}) } as unknown as ResultRow<K>,
    files: { cif: structure.cif, paeNpz: npz({ pae: structure.pae }), metricsJson: Buffer.from(JSON.stringify(row.metrics, null, 2) + '\n') },
  };
}
