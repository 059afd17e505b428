/**
 * How many atoms a SMILES writes, counted from the text, before RDKit sees it.
 *
 * Why: RDKit's WebAssembly build recurses along the molecule graph with a small fixed stack. A
 * linear chain of about 900 atoms overflows it ("memory access out of bounds"), and the shared
 * module is unusable afterwards — one request could break chemistry for the whole process.
 * Measured on @rdkit/rdkit 2026.9: 800-atom chains and ring chains parse, 900 crash. Molecules
 * are therefore capped well below that, which still leaves room for the largest drug-like
 * ligands, cyclic peptides and PROTACs (≈ 100–200 heavy atoms).
 */
export const MAX_SMILES_ATOMS = 500;

// Bracket atoms ([13CH3+:7]) are one atom each; outside brackets, the organic subset, aromatic
// forms and the wildcard. Two-letter symbols come first so that Cl is not read as C + l.
const ATOM = /\[[^\]]*\]|Cl|Br|[BCNOPSFI]|[bcnops]|\*/g;

// A bracket atom is hydrogen when its symbol is H alone: [H], [2H], [H+], [H:1]; not [Hg], [He].
const HYDROGEN = /^\[\d*H(?![a-z])/;

/** Atoms written in the SMILES (explicit hydrogens included); exact for any SMILES RDKit accepts. */
export function smilesAtomCount(smiles: string): number {
  return smiles.match(ATOM)?.length ?? 0;
}

/**
 * Heavy atoms of a SMILES, from the text alone: the written atoms that are not hydrogen (implicit
 * hydrogens are never written). Equal to RDKit's count for any SMILES it accepts, at no parsing
 * cost, so request sizes can be judged before RDKit is asked anything.
 */
export function smilesHeavyAtomCount(smiles: string): number {
  return (smiles.match(ATOM) ?? []).filter((atom) => !HYDROGEN.test(atom)).length;
}
