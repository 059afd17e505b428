import { twoChainCif } from '../protein-design/examples.ts';

/**
 * A valid protein library screen: peptide candidates against chain A of a small template (the
 * shape of the official protein-screen agent skill's payload: a structure target with an
 * epitope, candidates with client ids).
 */
export function libraryScreenBody(candidates = 5) {
  const peptides = ['GSWEELLKKAG', 'MKRYEVLLHA', 'GSPEDLWRRL', 'AKWTEQLHRG', 'SDELRKWLEE', 'GHQYRLAEKW'];
  return {
    target: {
      type: 'structure_template' as const,
      structure: { type: 'base64' as const, media_type: 'chemical/x-cif' as const, data: Buffer.from(twoChainCif()).toString('base64') },
      chain_selection: { A: { chain_type: 'polymer' as const, crop_residues: 'all' as const, epitope_residues: [2, 3, 4] } },
    },
    proteins: Array.from({ length: candidates }, (_, i) => ({
      id: `cand-${i + 1}`,
      entities: [{ type: 'protein' as const, chain_ids: ['B'], value: peptides[i % peptides.length] }],
    })),
  };
}
