/**
 * Atom maps in SMILES (`[C:7]`): the way a request names individual atoms of a SMILES ligand
 * (spec/API.md §8.1: `smiles_atom` by number, `ligand_atom` / `ligand_contact` by label, `[C:1]` →
 * `C1`). Atom maps only occur inside bracket atoms and brackets do not nest, so reading them from
 * the text is exact; whether the SMILES as a whole parses is RDKit's job (`parseSmiles`).
 */
export interface MappedAtom {
  atomMap: number;
  /** Element symbol as written, aromatic atoms in lower case (`c`, `n`, `se`). */
  symbol: string;
  /** The label a request uses for the atom: upper-case element + atom map (`[Cl:12]` → `CL12`). */
  label: string;
}

// [isotope] symbol [chirality] [hcount] [charge] [:map]; only the symbol and the map matter here.
const BRACKET_ATOM = /\[(\d*)(se|as|te|[bcnops]|[A-Z][a-z]?|\*)([^\]:]*)(?::(\d+))?\]/g;

/** The atom-mapped atoms of a SMILES, in order of appearance (unmapped atoms are left out). */
export function smilesAtomMaps(smiles: string): MappedAtom[] {
  const atoms: MappedAtom[] = [];
  for (const match of smiles.matchAll(BRACKET_ATOM)) {
    const [, , symbol, , map] = match;
    if (map === undefined) continue;
    const atomMap = Number(map);
    atoms.push({ atomMap, symbol, label: `${symbol.toUpperCase()}${atomMap}` });
  }
  return atoms;
}
