import type { RdkitMolecule } from '../rdkit-module.ts';

/**
 * The descriptors a `rdkit_descriptor_filter` can constrain (spec/API.md §10), named as the API
 * names them. Each is RDKit's own value, read from the WebAssembly build's descriptor set; the
 * Python function each one equals is noted (docs/molecule-filters.md lists where RDKit's
 * definitions changed between releases).
 */
export interface MoleculeDescriptors {
  /** `Descriptors.MolWt`: average molecular weight, implicit hydrogens included (Da). */
  mol_wt: number;
  /** `Descriptors.MolLogP`: Wildman–Crippen logP. */
  mol_logp: number;
  /** `Descriptors.NumHDonors` (`rdMolDescriptors.CalcNumHBD`). */
  num_h_donors: number;
  /** `Descriptors.NumHAcceptors` (`rdMolDescriptors.CalcNumHBA`). */
  num_h_acceptors: number;
  /** `Descriptors.NumRotatableBonds` (RDKit's default, strict definition). */
  num_rotatable_bonds: number;
  /** `Descriptors.RingCount` (`rdMolDescriptors.CalcNumRings`). */
  num_rings: number;
  /** `Descriptors.NumAromaticRings`. */
  num_aromatic_rings: number;
  /** `Descriptors.NumHeteroatoms`: atoms other than carbon and hydrogen. */
  num_heteroatoms: number;
  /** `Descriptors.FractionCSP3`: sp3 carbons over all carbons (0 without carbon). */
  fraction_csp3: number;
  /** `Descriptors.TPSA`: Ertl's topological polar surface area, N and O only (Å²). */
  tpsa: number;
}

export type DescriptorName = keyof MoleculeDescriptors;

/** Each API descriptor and the key of RDKit's descriptor set (`Mol.get_descriptors()`) holding it. */
const RDKIT_DESCRIPTOR_KEYS = {
  mol_wt: 'amw',
  mol_logp: 'CrippenClogP',
  num_h_donors: 'NumHBD',
  num_h_acceptors: 'NumHBA',
  num_rotatable_bonds: 'NumRotatableBonds',
  num_rings: 'NumRings',
  num_aromatic_rings: 'NumAromaticRings',
  num_heteroatoms: 'NumHeteroatoms',
  fraction_csp3: 'FractionCSP3',
  tpsa: 'tpsa',
} as const satisfies Record<DescriptorName, string>;

export const DESCRIPTOR_NAMES = Object.keys(RDKIT_DESCRIPTOR_KEYS) as DescriptorName[];

/** The API's descriptors from RDKit's descriptor set (as `ParsedMolecule.descriptors` holds it). */
export function descriptorsFromRdkitSet(rdkitDescriptors: Record<string, number>): MoleculeDescriptors {
  const values = {} as MoleculeDescriptors;
  for (const name of DESCRIPTOR_NAMES) values[name] = rdkitDescriptors[RDKIT_DESCRIPTOR_KEYS[name]];
  return values;
}

/** The API's descriptors of a parsed molecule (~1 ms: RDKit computes its whole descriptor set). */
export function moleculeDescriptors(mol: RdkitMolecule): MoleculeDescriptors {
  return descriptorsFromRdkitSet(JSON.parse(mol.get_descriptors()) as Record<string, number>);
}
