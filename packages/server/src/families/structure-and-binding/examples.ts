import type { StructureAndBindingInput } from './input-schema.ts';

/**
 * Valid structure-and-binding inputs covering every feature of spec/API.md §8.1, with real
 * sequences and chemistry. Shared by the validation tests, the route tests and the engines'
 * tests; each one passes the schema and `checkStructureAndBindingInput`.
 */

/** HIV-1 protease homodimer with darunavir: ligand binding metrics and a pocket at the catalytic Asp25 of both chains. */
export const proteaseWithInhibitor: StructureAndBindingInput = {
  entities: [
    {
      type: 'protein',
      chain_ids: ['A', 'B'],
      value: 'PQITLWQRPLVTIKIGGQLKEALLDTGADDTVLEEMSLPGRWKPKMIGGIGGFIKVRQYDQILIEICGHKAIGTVLVGPTPVNIIGRNLLTQIGCTLNF',
    },
    { type: 'ligand_smiles', chain_ids: ['L'], value: 'CC(C)CN(C[C@@H](O)[C@@H](Cc1ccccc1)NC(=O)O[C@H]1CO[C@H]2OCC[C@@H]12)S(=O)(=O)c1ccc(N)cc1' },
  ],
  binding: { type: 'ligand_protein_binding', binder_chain_id: 'L' },
  constraints: [{ type: 'pocket', binder_chain_id: 'L', contact_residues: { A: [24, 26, 49], B: [24, 26, 49] }, max_distance_angstrom: 6 }],
  num_samples: 2,
};

/** Barnase–barstar in single-sequence mode, with barstar as the protein binder. */
export const barnaseBarstar: StructureAndBindingInput = {
  entities: [
    {
      type: 'protein',
      chain_ids: ['A'],
      value: 'AQVINTFDGVADYLQTYHKLPDNYITKSEAQALGWVASKGNLADVAPGKSIGGDIFSNREGKLPGKSGRTWREADINYTSGFRNSDRILYSSDWLIYKTTDHYQTFTKIR',
      msa: { type: 'empty' },
    },
    {
      type: 'protein',
      chain_ids: ['B'],
      value: 'MKKAVINGEQIRSISDLHQTLKKELALPEYYGENLDALWDCLTGWVEYPLVLEWRQFEQSKQLTENGAESVLQVFREAKAEGCDITIILS',
      msa: { type: 'empty' },
    },
  ],
  binding: { type: 'protein_protein_binding', binder_chain_ids: ['B'] },
  model_options: { recycling_steps: 3, sampling_steps: 200, step_scale: 1.638 },
};

/**
 * Engrailed homeodomain on a palindromic DNA duplex (one entity, two strands), a pseudouridine
 * RNA hairpin and two magnesium ions.
 */
export const homeodomainOnDna: StructureAndBindingInput = {
  entities: [
    { type: 'protein', chain_ids: ['A'], value: 'EKRPRTAFSSEQLARLKREFNENRYLTERRRQQLSSELGLNEAQIKIWFQNKRAKIKKS' },
    { type: 'dna', chain_ids: ['C', 'D'], value: 'GCTAATTAGC' },
    { type: 'rna', chain_ids: ['R'], value: 'GGCGCUUCGGCGCC', modifications: [{ type: 'ccd', residue_index: 5, value: 'PSU' }] },
    { type: 'ligand_ccd', chain_ids: ['M1', 'M2'], value: 'MG' },
  ],
  constraints: [
    {
      type: 'contact',
      token1: { type: 'polymer_contact', chain_id: 'A', residue_index: 49 },
      token2: { type: 'polymer_contact', chain_id: 'C', residue_index: 4 },
      max_distance_angstrom: 8,
    },
  ],
};

/**
 * An IgG1 Fc fragment glycosylated at its N297 sequon (here residue index 4): a core-fucosylated
 * NAG–NAG–BMA glycan attached to the asparagine side chain.
 */
export const glycosylatedFc: StructureAndBindingInput = {
  entities: [
    { type: 'protein', chain_ids: ['A'], value: 'EEQYNSTYRVVSVLTVLHQDWLNGKEYKCKVSNKALPAPIEKTISKAK' },
    {
      type: 'glycan',
      chain_ids: ['G'],
      residues: [
        { id: 'nag1', ccd: 'NAG' },
        { id: 'nag2', ccd: 'NAG' },
        { id: 'man3', ccd: 'BMA' },
        { id: 'fuc', ccd: 'FUC' },
      ],
      bonds: [
        { atom1: { residue_id: 'nag2', atom_id: 'C1' }, atom2: { residue_id: 'nag1', atom_id: 'O4' } },
        { atom1: { residue_id: 'man3', atom_id: 'C1' }, atom2: { residue_id: 'nag2', atom_id: 'O4' } },
        { atom1: { residue_id: 'fuc', atom_id: 'C1' }, atom2: { residue_id: 'nag1', atom_id: 'O6' } },
      ],
    },
  ],
  bonds: [
    {
      atom1: { type: 'polymer_atom', chain_id: 'A', residue_index: 4, atom_name: 'ND2' },
      atom2: { type: 'ccd_atom', chain_id: 'G', residue_id: 'nag1', atom_id: 'C1' },
    },
  ],
};

const crambin = 'TTCCPSIVARSNFNVCRLPGTPEAICATYTGCIIIPGATCPGDYAN';
const crambinA3m = `>query\n${crambin}\n>homolog_1\nTTCCPSIVARSNFNVCRLPGTSEAICATYTGCIIIPGATCPGDYAN\n`;
const templateCif = 'data_template\n_entry.id template\n_struct_asym.id A\n';

/** Crambin with a custom A3M MSA, one uploaded and one downloaded template (the first one forced). */
export const crambinWithTemplates: StructureAndBindingInput = {
  entities: [
    {
      type: 'protein',
      chain_ids: ['A'],
      value: crambin,
      msa: { type: 'custom', format: 'a3m', source: { type: 'base64', data: Buffer.from(crambinA3m).toString('base64'), media_type: 'text/x-a3m' } },
    },
  ],
  templates: [
    {
      template_structure: { type: 'base64', data: Buffer.from(templateCif).toString('base64'), media_type: 'chemical/x-cif' },
      template_chains: [{ input_chain_id: 'A', template_chain_id: 'A' }],
      force_threshold_angstroms: 2,
    },
    {
      template_structure: { type: 'url', url: 'https://files.rcsb.org/download/1CRN.pdb' },
      template_chains: [{ input_chain_id: 'A', template_chain_id: 'A' }],
    },
  ],
};

/**
 * KRAS G12C with GDP and Mg²⁺ and a covalent acrylamide inhibitor bound to Cys12 (index 11)
 * through its atom-mapped terminal carbon; contacts name a SMILES atom by its atom-map label
 * (`[OH:3]` → `O3`) and CCD atoms by name.
 */
export const krasCovalentInhibitor: StructureAndBindingInput = {
  entities: [
    {
      type: 'protein',
      chain_ids: ['A'],
      value: 'MTEYKLVVVGACGVGKSALTIQLIQNHFVDEYDPTIEDSYRKQVVIDGETCLLDILDTAGQEEYSAMRDQYMRTGEGFLCVFAINNTKSFEDIHHYREQIKRVKDSDDVPMVLVGNKCDLPSRTVDTKQAQDLARSYGIPFIETSAKTRQGVDDAFYTLVREIRKHKEK',
    },
    { type: 'ligand_ccd', chain_ids: ['N'], value: 'GDP' },
    { type: 'ligand_ccd', chain_ids: ['M'], value: 'MG' },
    { type: 'ligand_smiles', chain_ids: ['L'], value: '[CH2:1]=[CH:2]C(=O)N1CCN(CC1)c1ncnc2cc(Cl)c(cc12)-c1ccccc1[OH:3]' },
  ],
  bonds: [
    {
      atom1: { type: 'polymer_atom', chain_id: 'A', residue_index: 11, atom_name: 'SG' },
      atom2: { type: 'smiles_atom', chain_id: 'L', atom_map: 1 },
    },
  ],
  constraints: [
    {
      type: 'contact',
      token1: { type: 'ligand_contact', chain_id: 'L', atom_name: 'O3' },
      token2: { type: 'polymer_contact', chain_id: 'A', residue_index: 95 },
      max_distance_angstrom: 8,
      force: true,
    },
    {
      type: 'contact',
      token1: { type: 'ligand_contact', chain_id: 'N', atom_name: 'PB' },
      token2: { type: 'ligand_contact', chain_id: 'M', atom_name: 'MG' },
      max_distance_angstrom: 4,
    },
  ],
  num_samples: 5,
};

/** A phosphorylated, cyclic peptide: modifications and the cyclic flag. */
export const cyclicPhosphopeptide: StructureAndBindingInput = {
  entities: [
    {
      type: 'protein',
      chain_ids: ['P'],
      value: 'GRKSRSGSWG',
      cyclic: true,
      modifications: [
        { type: 'ccd', residue_index: 3, value: 'SEP' },
        { type: 'ccd', residue_index: 7, value: 'SEP' },
      ],
    },
  ],
};

export const STRUCTURE_AND_BINDING_EXAMPLES: Record<string, StructureAndBindingInput> = {
  proteaseWithInhibitor,
  barnaseBarstar,
  homeodomainOnDna,
  glycosylatedFc,
  crambinWithTemplates,
  krasCovalentInhibitor,
  cyclicPhosphopeptide,
};
