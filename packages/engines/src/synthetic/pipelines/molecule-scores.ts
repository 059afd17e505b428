import { seededRandom } from '@boltz/shared';
import { FINGERPRINT_BITS, fingerprintBits, popcount } from '@boltz/chemistry';
import type { JobInput } from '../../job-types.ts';

/**
 * Test-mode scores of a small molecule against a target (spec/PIPELINE-ENGINES.md §6): one latent
 * quality q ∈ (0, 1) per molecule drives every metric. q comes from the molecule's Morgan
 * fingerprint through a toy structure–activity landscape of the target (`Landscape`): mostly its
 * similarity to the target's hidden "actives", partly per-target weights of substructures. So
 * similar molecules score alike, which is what explore's neighbour-guided selection relies on,
 * and the same molecule scores the same against the same target in every run and family.
 * Per-run noise (keyed by run id and canonical SMILES) then spreads the individual metrics.
 */
export type MoleculeTarget = JobInput<'small_molecule_design'>['target'];

export interface MoleculeMetrics {
  binding_confidence: number;
  optimization_score: number;
  structure_confidence: number;
  iptm: number;
  ptm: number;
  complex_plddt: number;
  complex_iplddt: number;
}

/** Boltz-2's affinity module takes one ligand of at most 128 heavy atoms (PIPELINE-ENGINES.md §4.5): larger ones fail. */
export const MAX_SCORED_HEAVY_ATOMS = 128;

/** Share of fingerprint bits (substructures) the target cares about; the others weigh nothing. */
const FEATURE_SHARE = 0.1;

/**
 * Weights of the fingerprint bits for one target, seeded by the target itself: a few bits — the
 * target's "pharmacophore" — weigh N(0, 1) (Box–Muller), the rest 0, so molecules that share
 * those substructures score alike, as analogues of a hit tend to.
 */
export function targetBitWeights(target: MoleculeTarget): Float64Array {
  const random = seededRandom('small-molecule-landscape', JSON.stringify({ entities: target.entities, pocket: target.pocket_residues ?? null }));
  const weights = new Float64Array(FINGERPRINT_BITS);
  for (let i = 0; i < FINGERPRINT_BITS; i++) {
    const feature = random.next() < FEATURE_SHARE;
    const u = Math.max(1e-12, random.next());
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
    weights[i] = feature ? normal : 0;
  }
  return weights;
}

/** A target's landscape: substructure weights and the fingerprints of its hidden actives (reference ligands and made-up hits). */
export interface Landscape {
  weights: Float64Array;
  actives: Uint32Array[];
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

/** Tanimoto similarity of two fingerprints' words. */
function tanimoto(a: Uint32Array, b: Uint32Array): number {
  let common = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    common += popcount(a[i] & b[i]);
    union += popcount(a[i] | b[i]);
  }
  return union === 0 ? 0 : common / union;
}

/**
 * q of a fingerprint: 70 % from its best Tanimoto similarity to an active (centred at 0.3, where
 * analogues begin), 30 % from the substructure weights summed and scaled by their expected spread
 * √(bits · FEATURE_SHARE) — about N(0, 1) over molecules — each through a logistic, so q is
 * spread over (0, 1).
 */
export function moleculeQuality(landscape: Landscape, fingerprint: Uint32Array): number {
  const bits = fingerprintBits(fingerprint);
  if (bits.length === 0) return 0.5;
  let sum = 0;
  for (const bit of bits) sum += landscape.weights[bit];
  const substructures = logistic(1.7 * (sum / Math.sqrt(bits.length * FEATURE_SHARE)));
  const similarity = Math.max(0, ...landscape.actives.map((active) => tanimoto(fingerprint, active)));
  return 0.7 * logistic((similarity - 0.3) / 0.06) + 0.3 * substructures;
}

const round = (value: number, digits = 4) => Math.round(value * 10 ** digits) / 10 ** digits;
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/**
 * The row's metrics (ranges of PIPELINE-ENGINES.md §6): binding confidence mostly low and rising
 * steeply with q, optimization score 4–8.5 loosely following it, structure confidence
 * 0.8·plddt + 0.2·iptm.
 */
export function moleculeMetrics(quality: number, runId: string, canonicalSmiles: string): MoleculeMetrics {
  const random = seededRandom('small-molecule-metrics', runId, canonicalSmiles);
  const iptm = 0.5 + 0.47 * clamp(0.6 * quality + 0.4 * random.next(), 0, 1);
  const ptm = random.between(0.7, 0.95);
  const plddt = random.between(0.7, 0.95);
  const iplddt = 0.6 + 0.35 * clamp(0.5 * quality + 0.5 * random.next(), 0, 1);
  return {
    binding_confidence: round(clamp(0.02 + 0.93 * quality ** 2.2 * random.between(0.7, 1.3), 0.02, 0.95)),
    optimization_score: round(4 + 4.5 * clamp(0.85 * quality + 0.15 * random.next(), 0, 1), 3),
    structure_confidence: round(0.8 * plddt + 0.2 * iptm),
    iptm: round(iptm),
    ptm: round(ptm),
    complex_plddt: round(plddt),
    complex_iplddt: round(iplddt),
  };
}

/** `low_confidence` on about the bottom 5 % of structures (PIPELINE-ENGINES.md §6). */
export function moleculeWarnings(metrics: MoleculeMetrics): Array<{ code: string; message: string }> | undefined {
  if (metrics.structure_confidence >= 0.72) return undefined;
  return [{ code: 'low_confidence', message: 'The predicted structure of this complex has low confidence.' }];
}

/** The molecule's chain in result structures: `L`, or the first of L1, L2, … the target does not use. */
export function ligandChainId(target: MoleculeTarget): string {
  const used = new Set(target.entities.flatMap((entity) => entity.chain_ids));
  if (!used.has('L')) return 'L';
  for (let n = 1; ; n++) if (!used.has(`L${n}`)) return `L${n}`;
}
