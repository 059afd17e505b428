import type { Chemistry } from '@boltz/chemistry';
import type { ResultFiles } from '../engine.ts';
import { writeMmcif, type CifAtom } from '../mmcif.ts';
import { npz } from '../npz.ts';
import { storeStructureOutput, type PredictedSample, type StructureOutput } from '../structure-output.ts';
import { buildComplex } from './complex.ts';
import { bindingMetrics, predictedAlignedError, sampleMetrics, tokenPlddt } from './confidence.ts';
import { canonicalJson, seededRandom } from './random.ts';

/**
 * Test-mode structure-and-binding (spec/API.md §8.2): one mmCIF and one PAE `.npz` per sample,
 * metrics and binding metrics, all derived from a PRNG seeded with the canonical input, so equal
 * inputs give byte-identical files.
 */
export async function predictStructureAndBinding(input: any, chemistry: Chemistry, files: ResultFiles): Promise<StructureOutput> {
  const seed = canonicalJson(input);
  const samples: PredictedSample[] = [];
  const count: number = input.num_samples ?? 1;
  const complex = buildComplex(input, chemistry);
  for (let k = 0; k < count; k++) {
    const random = seededRandom(seed, `sample ${k}`);
    // Samples differ by a small rigid shift of each chain (≤ 0.5 Å per axis) and their confidences.
    const shifts = complex.chains.map((): [number, number, number] => [random.between(-0.5, 0.5), random.between(-0.5, 0.5), random.between(-0.5, 0.5)]);
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
      x: atom.position[0] + shifts[atom.chainIndex][0],
      y: atom.position[1] + shifts[atom.chainIndex][1],
      z: atom.position[2] + shifts[atom.chainIndex][2],
      bFactor: plddt[atom.token] * 100,
    }));
    samples.push({
      metrics: sampleMetrics(complex, plddt, random),
      structureCif: Buffer.from(writeMmcif('synthetic_prediction', complex.entities, atoms)),
      arrays: { pae: npz({ pae: predictedAlignedError(complex, plddt, random) }) },
    });
  }
  const best = samples.reduce((a, b) => (b.metrics.structure_confidence > a.metrics.structure_confidence ? b : a));
  const binding = bindingMetrics(input.binding, best.metrics, seededRandom(seed, 'binding'));
  return storeStructureOutput(samples, binding, [], files);
}
