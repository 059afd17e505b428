/**
 * Valid protein design requests, for the OpenAPI example and the tests: the payload shape of the
 * official protein-design agent skill (the legacy body: a template target and a DSL binder).
 */

/** A tiny mmCIF with two protein chains: A (12 residues, the target) and B (8 residues, a binder scaffold). */
export function twoChainCif(): string {
  const residues: Array<['A' | 'B', string]> = [...[...'MKTAYIAKQRQI'].map((letter): ['A', string] => ['A', letter]), ...[...'GSHMEELL'].map((letter): ['B', string] => ['B', letter])];
  const three: Record<string, string> = { M: 'MET', K: 'LYS', T: 'THR', A: 'ALA', Y: 'TYR', I: 'ILE', Q: 'GLN', R: 'ARG', G: 'GLY', S: 'SER', H: 'HIS', E: 'GLU', L: 'LEU' };
  const lines = ['data_two_chains', 'loop_', '_atom_site.group_PDB', '_atom_site.id', '_atom_site.type_symbol', '_atom_site.label_atom_id', '_atom_site.label_comp_id', '_atom_site.label_asym_id', '_atom_site.label_seq_id', '_atom_site.auth_asym_id', '_atom_site.Cartn_x', '_atom_site.Cartn_y', '_atom_site.Cartn_z', '_atom_site.pdbx_PDB_model_num'];
  let seq = { A: 0, B: 0 };
  residues.forEach(([chain, letter], i) => {
    seq = { ...seq, [chain]: seq[chain] + 1 };
    lines.push(`ATOM ${i + 1} C CA ${three[letter]} ${chain} ${seq[chain]} ${chain} ${(3.8 * i).toFixed(3)} 0.000 ${chain === 'B' ? '10.000' : '0.000'} 1`);
  });
  return `${lines.join('\n')}\n#\n`;
}

/** The official protein-design skill's payload shape (legacy body): a template target and a DSL binder. */
export function legacyDesignBody(numProteins = 10) {
  return {
    num_proteins: numProteins,
    target: {
      type: 'structure_template' as const,
      structure: { type: 'base64' as const, media_type: 'chemical/x-cif' as const, data: Buffer.from(twoChainCif()).toString('base64') },
      chain_selection: { A: { chain_type: 'polymer' as const, crop_residues: 'all' as const, epitope_residues: [2, 3, 4] } },
    },
    binder_specification: {
      type: 'no_template' as const,
      modality: 'peptide' as const,
      entities: [{ type: 'designed_protein' as const, chain_ids: ['P'], value: 'GS8..12G' }],
      rules: { excluded_amino_acids: ['C', 'M'], max_hydrophobic_fraction: 0.3 },
    },
  };
}

