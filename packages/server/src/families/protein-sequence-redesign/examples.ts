import { twoChainCif } from '../protein-design/examples.ts';

/**
 * A valid binder sequence redesign: chain A of a small complex is the target, residues 1–6 of
 * binder chain B are redesigned without hydrophobic excess.
 */
export function binderRedesignBody(numProteins = 10) {
  return {
    type: 'binder' as const,
    num_proteins: numProteins,
    structure: { type: 'base64' as const, media_type: 'chemical/x-cif' as const, data: Buffer.from(twoChainCif()).toString('base64') },
    entities: [
      { type: 'from_template' as const, chain_id: 'A', role: 'target' as const },
      {
        type: 'from_template' as const,
        chain_id: 'B',
        role: 'binder' as const,
        design_motifs: [{ type: 'residues' as const, residues: [1, 2, 3, 4, 5, 6], filters: [{ type: 'max_hydrophobic_fraction' as const, max_fraction: 0.5 }] }],
      },
    ],
  };
}

/** A generic redesign of both chains' termini, with global filters. */
export function genericRedesignBody(numProteins = 10) {
  return {
    type: 'generic' as const,
    num_proteins: numProteins,
    structure: { type: 'base64' as const, media_type: 'chemical/x-cif' as const, data: Buffer.from(twoChainCif()).toString('base64') },
    entities: [
      { type: 'from_template' as const, chain_id: 'A', design_motifs: [{ type: 'residues' as const, residues: [0, 1, 2, 9, 10, 11], filters: [] }] },
      { type: 'from_template' as const, chain_id: 'B' },
    ],
    global_design_filters: [
      { type: 'excluded_amino_acids' as const, amino_acids: ['C', 'W'] },
      { type: 'excluded_sequence_motifs' as const, motifs: ['NXS'] },
    ],
  };
}
