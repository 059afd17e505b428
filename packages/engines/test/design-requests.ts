import type { InputFile } from '../src/index.ts';
import { twoChainCif } from '../../server/src/families/protein-design/examples.ts';

/** Protein design requests shared by the BoltzGen tests (the server's example template: chains A and B). */
export const CIF: InputFile = { data: Buffer.from(twoChainCif()), mediaType: 'chemical/x-cif' };
export const base64 = { type: 'base64', media_type: 'chemical/x-cif', data: CIF.data.toString('base64') };

/** A legacy-body peptide binder against chain A with an epitope, an avoided and two flexible residues. */
export function legacyPeptideBody(numProteins: number): Record<string, unknown> {
  return {
    num_proteins: numProteins,
    target: { type: 'structure_template', structure: base64, chain_selection: { A: { chain_type: 'polymer', crop_residues: 'all', epitope_residues: [2, 3, 4], non_binding_residues: [9], flexible_residues: [0, 1] } } },
    binder_specification: { type: 'no_template', modality: 'peptide', entities: [{ type: 'designed_protein', chain_ids: ['P'], value: 'GS8..12G' }], rules: { excluded_amino_acids: ['C', 'M'], max_hydrophobic_fraction: 0.3 } },
  };
}

