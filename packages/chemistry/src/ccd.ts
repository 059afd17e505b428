import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * The chemical component table: 11,465 components of the CCP4 monomer library, whose codes and
 * atom names are those of the wwPDB Chemical Component Dictionary (CCD) — ligands, cofactors,
 * ions, standard and modified residues, nucleotides and monosaccharides — with their heavy atoms
 * (hydrogens dropped, element symbols upper case as in the CCD: `FE`, `SE`, `CL`), ideal
 * coordinates and bonds. Water is not a component here.
 *
 * Why shipped: the server runs offline and must answer at request time, without the 400 MB
 * dictionary. Validation uses it to refuse unknown codes and to check atom names (glycan bonds,
 * CCD ligand atoms, polymer atoms) and heavy-atom counts (pricing tokens, the binder size rule);
 * the synthetic engine places CCD ligands from their ideal coordinates.
 *
 * Source: `tables/ccd-components.jsonl.gz`, extracted from Debian's `refmac-dictionary` (CCP4
 * monomer library 5.41, LGPL-3, © Garib Murshudov) by `scripts/ccd/extract-monomer-library.py`.
 * The 20 standard amino acids have no coordinates there (the engines build them from internal
 * coordinates); the CCD's terminal OXT is added to them. Components deposited after the library
 * was made are not in it.
 */
export interface CcdAtom {
  name: string;
  element: string;
}

/** A bond between atoms `[i, j]` (indices into `atoms`) of order 1, 2, 3 or 1.5 (aromatic or delocalised). */
export type CcdBond = [i: number, j: number, order: number];

export interface CcdComponent {
  code: string;
  name: string;
  atoms: CcdAtom[];
  /** Ideal coordinates per atom (Å), or undefined for the standard amino acids. */
  coordinates?: Array<[number, number, number]>;
  bonds: CcdBond[];
}

type Row = [code: string, name: string, atoms: Array<[string, string, number | null, number | null, number | null]>, bonds: CcdBond[]];

const DATA = new URL('../tables/ccd-components.jsonl.gz', import.meta.url);

let lines: Map<string, string> | undefined;
const parsed = new Map<string, CcdComponent>();

/** Code → its JSON line, read once (≈ 30 ms); lines are parsed on first lookup. */
function table(): Map<string, string> {
  if (!lines) {
    lines = new Map();
    for (const line of gunzipSync(readFileSync(DATA)).toString('utf8').split('\n')) {
      if (!line) continue;
      const code = line.slice(2, line.indexOf('"', 2));
      lines.set(code, line);
    }
  }
  return lines;
}

/** The component for an exact (upper-case) CCD code, or undefined when the table does not list it. */
export function lookupCcd(code: string): CcdComponent | undefined {
  const cached = parsed.get(code);
  if (cached) return cached;
  const line = table().get(code);
  if (line === undefined) return undefined;
  const [, name, atoms, bonds] = JSON.parse(line) as Row;
  const hasCoordinates = atoms.every((a) => a[2] !== null);
  // Frozen: one shared object per code, handed to every caller.
  const component: CcdComponent = Object.freeze({
    code,
    name,
    atoms: Object.freeze(atoms.map(([atomName, element]) => Object.freeze({ name: atomName, element }))) as CcdAtom[],
    ...(hasCoordinates ? { coordinates: atoms.map((a) => [a[2], a[3], a[4]] as [number, number, number]) } : {}),
    bonds,
  });
  parsed.set(code, component);
  return component;
}

/**
 * Heavy atoms counted for a well-formed CCD code that the embedded table does not list: a
 * typical drug-sized ligand. Such codes are accepted; a live engine resolves them against the
 * full dictionary.
 */
export const UNLISTED_CCD_HEAVY_ATOMS = 30;

/** Heavy atoms of a CCD component, for sizing complexes (pricing tiers, engine capacity). */
export function ccdHeavyAtoms(code: string): number {
  return lookupCcd(code)?.atoms.length ?? UNLISTED_CCD_HEAVY_ATOMS;
}

/** How many components the table lists. */
export function ccdComponentCount(): number {
  return table().size;
}
