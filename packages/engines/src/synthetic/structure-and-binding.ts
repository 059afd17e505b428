import { compressedEntryData } from '../archive.ts';
import type { Chemistry } from '@boltz/chemistry';
import { glycanResidueOrder, type GlycanInput } from '../glycan.ts';
import { npz } from '../npz.ts';
import { packStructureOutput, type BindingMetrics, type PackedStructureOutput, type PredictedSample } from '../structure-output.ts';
import { synthesizeComplex, type ComplexSpec, type EntitySpec, type SiteRef, type SynthesizedComplex } from './complex.ts';
import { canonicalJson } from './random.ts';

/**
 * Test-mode structure-and-binding (spec/API.md §8.2): the API input as a complex description,
 * one synthesized complex per sample (each its own seed, so samples differ as diffusion samples
 * do), ranked by structure_confidence, binding metrics from the best sample. Equal inputs give
 * byte-identical files. CPU only: runs in a worker thread (./tasks.ts).
 */
export function complexSpecOf(input: any): ComplexSpec {
  const entities: EntitySpec[] = (input.entities as any[]).map((entity): EntitySpec => {
    switch (entity.type) {
      case 'protein':
      case 'rna':
      case 'dna':
        return {
          type: entity.type,
          chainIds: entity.chain_ids,
          sequence: entity.value,
          modifications: (entity.modifications ?? []).map((m: { residue_index: number; value: string }) => ({ index: m.residue_index, ccd: m.value })),
        };
      case 'ligand_ccd':
        return { type: 'ligand', chainIds: entity.chain_ids, ccd: entity.value };
      case 'ligand_smiles':
        return { type: 'ligand', chainIds: entity.chain_ids, smiles: entity.value };
      case 'glycan':
        return glycanSpec(entity);
      default:
        throw new Error(`unknown entity type ${entity.type}`);
    }
  });
  const site = (token: any): SiteRef => (token.type === 'polymer_contact' ? { chain: token.chain_id, residue: token.residue_index } : { chain: token.chain_id, atom: token.atom_name });
  const constraints: any[] = input.constraints ?? [];
  const binding = input.binding;
  return {
    entities,
    pockets: constraints
      .filter((c) => c.type === 'pocket')
      .map((c) => ({
        binder: c.binder_chain_id,
        residues: Object.entries(c.contact_residues as Record<string, number[]>).flatMap(([chain, indices]) => indices.map((residue) => ({ chain, residue }))),
        maxDistance: c.max_distance_angstrom,
      })),
    contacts: constraints.filter((c) => c.type === 'contact').map((c) => ({ first: site(c.token1), second: site(c.token2), maxDistance: c.max_distance_angstrom })),
    binders: !binding ? [] : binding.type === 'ligand_protein_binding' ? [binding.binder_chain_id] : binding.binder_chain_ids,
  };
}

/** Glycan residues in bond-graph order (../glycan.ts), each internal bond as parent → child (the child's C1). */
function glycanSpec(entity: GlycanInput & { chain_ids: string[] }): EntitySpec {
  const order = glycanResidueOrder(entity);
  const position = new Map(order.map((r, i) => [r.id, i]));
  const links = entity.bonds.map(({ atom1, atom2 }) => {
    const [child, parent] = atom1.atom_id === 'C1' && atom2.atom_id !== 'C1' ? [atom1, atom2] : atom2.atom_id === 'C1' ? [atom2, atom1] : position.get(atom1.residue_id)! > position.get(atom2.residue_id)! ? [atom1, atom2] : [atom2, atom1];
    return { parent: position.get(parent.residue_id)!, parentAtom: parent.atom_id, child: position.get(child.residue_id)!, childAtom: child.atom_id };
  });
  return { type: 'glycan', chainIds: entity.chain_ids, residues: order.map((r) => r.ccd), links: links.sort((a, b) => a.child - b.child) };
}

/** binding_metrics (spec/API.md §8.2) of a synthesized complex, for the requested `binding`. */
export function bindingMetricsOf(binding: any, best: SynthesizedComplex): BindingMetrics | undefined {
  if (!binding) return undefined;
  if (binding.type === 'ligand_protein_binding') {
    const values = best.confidence.ligandBinding ?? { bindingConfidence: 0, optimizationScore: 3 };
    return { type: 'ligand_protein_binding_metrics', binding_confidence: values.bindingConfidence, optimization_score: values.optimizationScore };
  }
  return { type: 'protein_protein_binding_metrics', binding_confidence: best.confidence.proteinBindingConfidence ?? 0 };
}

export function synthesizeStructureAndBinding(input: any, chemistry: Chemistry): PackedStructureOutput {
  const seed = canonicalJson(input);
  const spec = complexSpecOf(input);
  const count: number = input.num_samples ?? 1;
  const samples: PredictedSample[] = [];
  // Only the best complex is kept whole (its confidence gives the binding metrics): a PAE matrix
  // of 5,000 tokens is 100 MB, and each sample's is already in its npz.
  let best: SynthesizedComplex | undefined;
  for (let k = 0; k < count; k++) {
    const complex = synthesizeComplex(spec, `${seed}\0sample ${k}`, chemistry);
    samples.push({ metrics: complex.confidence.metrics, structureCif: Buffer.from(complex.cif), arrays: { pae: compressedEntryData(npz({ pae: complex.pae })) } });
    if (!best || complex.confidence.metrics.structure_confidence > best.confidence.metrics.structure_confidence) best = complex;
  }
  return packStructureOutput(samples, bindingMetricsOf(input.binding, best!), []);
}
