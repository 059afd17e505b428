import { loadChemistry } from '@boltz/chemistry';
import { sharedBytes } from '@boltz/shared';
import type { PackedStructureOutput } from '../structure-output.ts';
import { synthesizeComplex, type ComplexSpec, type SynthesizedComplex } from './complex.ts';
import { synthesizeStructureAndBinding } from './structure-and-binding.ts';
import { predictAdme } from './adme.ts';

/**
 * Worker-thread tasks of the synthetic engine (../worker-pool.ts): each export takes one
 * structured-cloneable argument. RDKit loads once per worker.
 */
export async function structureAndBinding({ input }: { input: unknown }): Promise<PackedStructureOutput> {
  const packed = synthesizeStructureAndBinding(input, await loadChemistry());
  // Hundreds of megabytes for the largest inputs: shared with the event loop, not copied there.
  return { ...packed, files: packed.files.map((file) => ({ ...file, data: sharedBytes([file.data]) })) };
}

/** ADME predictions of every molecule of the input: RDKit descriptors per molecule. */
export async function adme({ input }: { input: Parameters<typeof predictAdme>[0] }): Promise<ReturnType<typeof predictAdme>> {
  return predictAdme(input, await loadChemistry());
}

/** One synthesized complex (for the pipelines' test engines). */
export async function complex({ spec, seed }: { spec: ComplexSpec; seed: string }): Promise<SynthesizedComplex> {
  return synthesizeComplex(spec, seed, await loadChemistry());
}
