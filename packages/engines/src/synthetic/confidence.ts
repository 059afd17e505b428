import type { Float32Array2D } from '../npz.ts';
import { structureConfidence, type BindingMetrics, type SampleMetrics } from '../structure-output.ts';
import type { Complex } from './complex.ts';
import type { Random } from './random.ts';

/**
 * Synthetic confidences, consistent with each other the way Boltz's are (spec/ENGINE.md §4):
 * complex_plddt is the mean of the per-token pLDDT written as B-factors, interface metrics are 0
 * when there is no interface of their kind (spec/API.md §8.2), structure_confidence follows the
 * Boltz formula, and PAE grows with sequence separation inside a chain and is higher between
 * chains.
 */
const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
const round4 = (value: number) => Math.round(value * 1e4) / 1e4;

export function tokenPlddt(complex: Complex, random: Random): number[] {
  const plddt = new Array<number>(complex.tokenCount);
  for (const chain of complex.chains) {
    const base = random.between(0.7, 0.92);
    const length = chain.tokenEnd - chain.tokenStart;
    for (let t = chain.tokenStart; t < chain.tokenEnd; t++) {
      // Termini are less confident, as in real predictions.
      const fromEnd = Math.min(t - chain.tokenStart, chain.tokenEnd - 1 - t);
      const terminal = length > 6 && fromEnd < 3 ? 0.15 * (1 - fromEnd / 3) : 0;
      plddt[t] = round4(clamp(base - terminal + random.between(-0.06, 0.06), 0.2, 0.98));
    }
  }
  return plddt;
}

export function predictedAlignedError(complex: Complex, plddt: number[], random: Random): Float32Array2D {
  const n = complex.tokenCount;
  const chainOf = new Int32Array(n);
  complex.chains.forEach((chain, c) => chainOf.fill(c, chain.tokenStart, chain.tokenEnd));
  const interChain = complex.chains.map(() => complex.chains.map(() => random.between(4, 14)));
  // Per-token terms instead of per-pair noise: O(n) random draws for an n² matrix, and values
  // on a 1/16 Å grid, so large PAE files compress well in the archive.
  const rowTerm = plddt.map((p) => 6 * (1 - p) + random.between(-0.25, 0.25));
  const values = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const base = chainOf[i] === chainOf[j] ? 0.5 + 0.12 * Math.min(Math.abs(i - j), 60) : interChain[chainOf[i]][chainOf[j]];
      values[i * n + j] = i === j ? 0.25 : Math.round(16 * clamp(base + rowTerm[i] + rowTerm[j], 0.25, 31.75)) / 16;
    }
  }
  return { rows: n, cols: n, values };
}

export function sampleMetrics(complex: Complex, plddt: number[], random: Random): SampleMetrics {
  const kinds = complex.chains.map((c) => c.kind);
  const multiChain = kinds.length > 1;
  const hasLigand = kinds.some((k) => k === 'ligand' || k === 'glycan');
  const proteinChains = kinds.filter((k) => k === 'protein').length;
  const complexPlddt = plddt.reduce((s, v) => s + v, 0) / plddt.length;
  const ptm = clamp(complexPlddt - 0.05 + random.between(-0.05, 0.05), 0.2, 0.97);
  const iptm = multiChain ? clamp(ptm - 0.08 + random.between(-0.1, 0.1), 0.1, 0.95) : 0;
  const pde = 0.4 + 4 * (1 - complexPlddt) + random.between(0, 0.4);
  const metrics = {
    ptm: round4(ptm),
    iptm: round4(iptm),
    ligand_iptm: round4(hasLigand && multiChain ? clamp(iptm + random.between(-0.1, 0.05), 0.05, 0.95) : 0),
    protein_iptm: round4(proteinChains >= 2 ? clamp(iptm + random.between(-0.05, 0.05), 0.05, 0.95) : 0),
    complex_plddt: round4(complexPlddt),
    complex_iplddt: round4(multiChain ? clamp(complexPlddt - 0.04 + random.between(-0.04, 0.04), 0.2, 0.98) : 0),
    complex_pde: round4(pde),
    complex_ipde: round4(multiChain ? pde + random.between(0.5, 3) : 0),
  };
  return { structure_confidence: round4(structureConfidence(metrics)), ...metrics };
}

/**
 * binding_metrics (spec/API.md §8.2) from the best sample. optimization_score is on the live
 * engine's scale (6 − log10 IC50 µM, i.e. a pIC50, spec/ENGINE.md §6): roughly 3–9, higher for
 * more confident binders.
 */
export function bindingMetrics(binding: any, best: SampleMetrics, random: Random): BindingMetrics | undefined {
  if (!binding) return undefined;
  if (binding.type === 'ligand_protein_binding') {
    const confidence = clamp(0.1 + 0.85 * best.ligand_iptm + random.between(-0.1, 0.1), 0, 1);
    const log10Ic50 = random.between(-1.5, 1.5) - 3 * (confidence - 0.5);
    return { type: 'ligand_protein_binding_metrics', binding_confidence: round4(confidence), optimization_score: round4(6 - log10Ic50) };
  }
  return { type: 'protein_protein_binding_metrics', binding_confidence: round4(clamp(best.protein_iptm + random.between(-0.05, 0.05), 0, 1)) };
}
