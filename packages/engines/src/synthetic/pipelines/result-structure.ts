import type { Chemistry } from '@boltz/chemistry';
import type { JobInput } from '../../job-types.ts';
import { type CifAtom, writeMmcif } from '../../mmcif.ts';
import type { Float32Array2D } from '../../npz.ts';
import type { BindingMetrics, SampleMetrics } from '../../structure-output.ts';
import { buildComplex } from '../complex.ts';
import { bindingMetrics, predictedAlignedError, sampleMetrics, tokenPlddt } from '../confidence.ts';
import { seededRandom } from '../random.ts';

/**
 * The structure of one pipeline result in test mode: the complex of its entities (target and
 * designed or screened chains, or a ligand), built by the same synthetic engine as test-mode
 * structure predictions, so that its metrics, PAE and coordinates agree with each other.
 * Deterministic for the same entities and seed.
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

export function resultStructure(entities: Entities, binding: Binding, chemistry: Chemistry, seed: string): ResultStructure {
  const random = seededRandom(seed, 'structure');
  const complex = buildComplex({ entities }, chemistry);
  const plddt = tokenPlddt(complex, random);
  const atoms: CifAtom[] = complex.atoms.map((atom) => ({
    group: atom.group,
    element: atom.element,
    atomName: atom.name,
    residueName: atom.residueName,
    chainId: complex.chains[atom.chainIndex].id,
    entityId: complex.chains[atom.chainIndex].entityId,
    residueNumber: atom.residueNumber,
    polymer: atom.polymer,
    x: atom.position[0],
    y: atom.position[1],
    z: atom.position[2],
    bFactor: plddt[atom.token] * 100,
  }));
  const metrics = sampleMetrics(complex, plddt, random);
  return {
    cif: writeMmcif('synthetic_result', complex.entities, atoms),
    pae: predictedAlignedError(complex, plddt, random),
    metrics,
    binding: bindingMetrics(binding, metrics, random),
    chains: complex.chains.map((chain) => ({ id: chain.id, tokenStart: chain.tokenStart, tokenEnd: chain.tokenEnd })),
  };
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
