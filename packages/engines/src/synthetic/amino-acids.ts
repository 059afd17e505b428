import { placeAtom, type Vec3 } from './vector.ts';

/**
 * All-atom geometry of the 20 standard amino acids, as internal coordinates: each side-chain
 * heavy atom is placed from three atoms already placed (NeRF, ./vector.ts) with a bond length,
 * a bond angle and a torsion that is either fixed (ring and planar atoms) or a side-chain χ
 * angle plus an offset (branches). Bond lengths and angles are the Engh & Huber (2001) values
 * of the CCP4 monomer library (the restraints refinement programs use); torsions of rings and
 * planar groups are 0° or 180°, branches ±120° from their sibling, signs chosen so that the CA
 * of every residue and the CB of Ile and Thr have the chirality of the L amino acids (checked
 * against the library's chiral volumes in packages/engines/test/synthetic-geometry.test.ts).
 *
 * Rotamers: the modal χ values of the penultimate rotamer library (Lovell et al. 2000), with
 * rough frequencies, for side chains to choose from when they are packed.
 */
export interface PlacedAtom {
  name: string;
  element: string;
  position: Vec3;
}

/** [atom, element, reference atoms (3), bond Å, angle °, torsion: a number (fixed) or [χ index, offset]]. */
type SideChainAtom = [name: string, element: string, refs: [string, string, string], bond: number, angle: number, torsion: number | [chi: number, offset: number]];

/**
 * CB from N, C, CA: [bond, angle C–CA–CB, torsion N–C–CA–CB] of an L amino acid. Proline's
 * torsion is smaller: its ring needs N–CA–CB ≈ 103° (found by closing the ring numerically).
 */
const CB: Record<string, [bond: number, angle: number, torsion: number]> = {
  ALA: [1.521, 110.5, 122.7],
  ILE: [1.54, 109.1, 122.7],
  THR: [1.54, 109.1, 122.7],
  VAL: [1.54, 109.1, 122.7],
  PRO: [1.53, 110.0, 114.5],
};
const CB_DEFAULT: [number, number, number] = [1.53, 110.1, 122.7];

const SIDE_CHAINS: Record<string, SideChainAtom[]> = {
  ALA: [],
  GLY: [],
  ARG: [
    ['CG', 'C', ['N', 'CA', 'CB'], 1.52, 114.1, [0, 0]],
    ['CD', 'C', ['CA', 'CB', 'CG'], 1.52, 111.3, [1, 0]],
    ['NE', 'N', ['CB', 'CG', 'CD'], 1.46, 112.0, [2, 0]],
    ['CZ', 'C', ['CG', 'CD', 'NE'], 1.329, 124.2, [3, 0]],
    ['NH1', 'N', ['CD', 'NE', 'CZ'], 1.326, 120.0, 0],
    ['NH2', 'N', ['CD', 'NE', 'CZ'], 1.326, 120.0, 180],
  ],
  ASN: [
    ['CG', 'C', ['N', 'CA', 'CB'], 1.516, 112.6, [0, 0]],
    ['OD1', 'O', ['CA', 'CB', 'CG'], 1.231, 120.8, [1, 0]],
    ['ND2', 'N', ['CA', 'CB', 'CG'], 1.328, 116.4, [1, 180]],
  ],
  ASP: [
    ['CG', 'C', ['N', 'CA', 'CB'], 1.516, 112.6, [0, 0]],
    ['OD1', 'O', ['CA', 'CB', 'CG'], 1.249, 118.4, [1, 0]],
    ['OD2', 'O', ['CA', 'CB', 'CG'], 1.249, 118.4, [1, 180]],
  ],
  CYS: [['SG', 'S', ['N', 'CA', 'CB'], 1.808, 114.4, [0, 0]]],
  GLN: [
    ['CG', 'C', ['N', 'CA', 'CB'], 1.52, 114.1, [0, 0]],
    ['CD', 'C', ['CA', 'CB', 'CG'], 1.516, 112.6, [1, 0]],
    ['OE1', 'O', ['CB', 'CG', 'CD'], 1.231, 120.8, [2, 0]],
    ['NE2', 'N', ['CB', 'CG', 'CD'], 1.328, 116.4, [2, 180]],
  ],
  GLU: [
    ['CG', 'C', ['N', 'CA', 'CB'], 1.52, 114.1, [0, 0]],
    ['CD', 'C', ['CA', 'CB', 'CG'], 1.516, 112.6, [1, 0]],
    ['OE1', 'O', ['CB', 'CG', 'CD'], 1.249, 118.4, [2, 0]],
    ['OE2', 'O', ['CB', 'CG', 'CD'], 1.249, 118.4, [2, 180]],
  ],
  HIS: [
    ['CG', 'C', ['N', 'CA', 'CB'], 1.497, 113.8, [0, 0]],
    ['ND1', 'N', ['CA', 'CB', 'CG'], 1.378, 122.7, [1, 0]],
    ['CD2', 'C', ['CA', 'CB', 'CG'], 1.354, 131.2, [1, 180]],
    ['CE1', 'C', ['CB', 'CG', 'ND1'], 1.321, 109.3, 180],
    ['NE2', 'N', ['CB', 'CG', 'CD2'], 1.374, 107.2, 180],
  ],
  ILE: [
    ['CG1', 'C', ['N', 'CA', 'CB'], 1.53, 110.4, [0, 0]],
    ['CG2', 'C', ['N', 'CA', 'CB'], 1.521, 110.5, [0, -122]],
    ['CD1', 'C', ['CA', 'CB', 'CG1'], 1.513, 113.8, [1, 0]],
  ],
  LEU: [
    ['CG', 'C', ['N', 'CA', 'CB'], 1.53, 116.3, [0, 0]],
    ['CD1', 'C', ['CA', 'CB', 'CG'], 1.521, 110.7, [1, 0]],
    ['CD2', 'C', ['CA', 'CB', 'CG'], 1.521, 110.7, [1, 122]],
  ],
  LYS: [
    ['CG', 'C', ['N', 'CA', 'CB'], 1.52, 114.1, [0, 0]],
    ['CD', 'C', ['CA', 'CB', 'CG'], 1.52, 111.3, [1, 0]],
    ['CE', 'C', ['CB', 'CG', 'CD'], 1.52, 111.3, [2, 0]],
    ['NZ', 'N', ['CG', 'CD', 'CE'], 1.489, 111.9, [3, 0]],
  ],
  MET: [
    ['CG', 'C', ['N', 'CA', 'CB'], 1.52, 114.1, [0, 0]],
    ['SD', 'S', ['CA', 'CB', 'CG'], 1.803, 112.7, [1, 0]],
    ['CE', 'C', ['CB', 'CG', 'SD'], 1.791, 100.9, [2, 0]],
  ],
  PHE: [
    ['CG', 'C', ['N', 'CA', 'CB'], 1.502, 113.8, [0, 0]],
    ['CD1', 'C', ['CA', 'CB', 'CG'], 1.384, 120.7, [1, 0]],
    ['CD2', 'C', ['CA', 'CB', 'CG'], 1.384, 120.7, [1, 180]],
    ['CE1', 'C', ['CB', 'CG', 'CD1'], 1.382, 120.7, 180],
    ['CE2', 'C', ['CB', 'CG', 'CD2'], 1.382, 120.7, 180],
    ['CZ', 'C', ['CG', 'CD1', 'CE1'], 1.382, 120.0, 0],
  ],
  PRO: [
    ['CG', 'C', ['N', 'CA', 'CB'], 1.492, 104.5, [0, 0]],
    ['CD', 'C', ['CA', 'CB', 'CG'], 1.503, 106.1, [1, 0]],
  ],
  SER: [['OG', 'O', ['N', 'CA', 'CB'], 1.417, 111.1, [0, 0]]],
  THR: [
    ['OG1', 'O', ['N', 'CA', 'CB'], 1.433, 109.6, [0, 0]],
    ['CG2', 'C', ['N', 'CA', 'CB'], 1.521, 110.5, [0, -120]],
  ],
  TRP: [
    ['CG', 'C', ['N', 'CA', 'CB'], 1.498, 113.6, [0, 0]],
    ['CD1', 'C', ['CA', 'CB', 'CG'], 1.365, 126.9, [1, 0]],
    ['CD2', 'C', ['CA', 'CB', 'CG'], 1.433, 126.8, [1, 180]],
    ['NE1', 'N', ['CB', 'CG', 'CD1'], 1.374, 110.2, 180],
    ['CE2', 'C', ['CB', 'CG', 'CD2'], 1.409, 107.2, 180],
    ['CE3', 'C', ['CB', 'CG', 'CD2'], 1.398, 133.9, 0],
    ['CZ2', 'C', ['CG', 'CD2', 'CE2'], 1.394, 122.4, 180],
    ['CZ3', 'C', ['CG', 'CD2', 'CE3'], 1.382, 118.6, 180],
    ['CH2', 'C', ['CD2', 'CE2', 'CZ2'], 1.368, 117.5, 0],
  ],
  TYR: [
    ['CG', 'C', ['N', 'CA', 'CB'], 1.512, 113.9, [0, 0]],
    ['CD1', 'C', ['CA', 'CB', 'CG'], 1.389, 120.8, [1, 0]],
    ['CD2', 'C', ['CA', 'CB', 'CG'], 1.389, 120.8, [1, 180]],
    ['CE1', 'C', ['CB', 'CG', 'CD1'], 1.382, 121.2, 180],
    ['CE2', 'C', ['CB', 'CG', 'CD2'], 1.382, 121.2, 180],
    ['CZ', 'C', ['CG', 'CD1', 'CE1'], 1.378, 119.6, 0],
    ['OH', 'O', ['CD1', 'CE1', 'CZ'], 1.376, 119.9, 180],
  ],
  VAL: [
    ['CG1', 'C', ['N', 'CA', 'CB'], 1.521, 110.4, [0, 0]],
    ['CG2', 'C', ['N', 'CA', 'CB'], 1.521, 110.4, [0, 122]],
  ],
};

export const STANDARD_AMINO_ACIDS: ReadonlySet<string> = new Set(Object.keys(SIDE_CHAINS));

export function isStandardAminoAcid(name: string): boolean {
  return Object.hasOwn(SIDE_CHAINS, name);
}

/** Per χ angle: [value °, weight] options; rotamers are their combinations. */
type ChiOptions = Array<Array<[number, number]>>;

const CHI1: Array<[number, number]> = [[-65, 0.55], [-177, 0.33], [62, 0.12]];
const SP3: Array<[number, number]> = [[180, 0.7], [-65, 0.15], [65, 0.15]];
const AMIDE: Array<[number, number]> = [[-40, 0.4], [40, 0.3], [120, 0.15], [-120, 0.15]];
const CARBOXYL: Array<[number, number]> = [[0, 0.5], [60, 0.25], [-60, 0.25]];
const AROMATIC: Array<[number, number]> = [[90, 0.7], [0, 0.1], [60, 0.1], [120, 0.1]];
const RING5: Array<[number, number]> = [[-80, 0.4], [90, 0.4], [180, 0.1], [0, 0.1]];

const ROTAMER_OPTIONS: Record<string, ChiOptions> = {
  ARG: [CHI1, SP3, SP3, [[180, 0.6], [85, 0.2], [-85, 0.2]]],
  ASN: [CHI1, AMIDE],
  ASP: [CHI1, CARBOXYL],
  CYS: [CHI1],
  GLN: [CHI1, SP3, AMIDE],
  GLU: [CHI1, SP3, CARBOXYL],
  HIS: [CHI1, RING5],
  ILE: [[[-65, 0.75], [62, 0.15], [-177, 0.1]], [[170, 0.75], [-60, 0.25]]],
  LEU: [[[-65, 0.65], [-177, 0.3], [62, 0.05]], [[175, 0.6], [65, 0.4]]],
  LYS: [CHI1, SP3, SP3, SP3],
  MET: [CHI1, SP3, [[180, 0.4], [70, 0.3], [-70, 0.3]]],
  PHE: [CHI1, AROMATIC],
  // Proline: the Cγ-endo and Cγ-exo puckers (χ1, χ2 paired, hence one combined option list).
  PRO: [],
  SER: [[[62, 0.4], [-65, 0.35], [-177, 0.25]]],
  THR: [[[62, 0.5], [-65, 0.43], [-177, 0.07]]],
  TRP: [CHI1, [[-90, 0.4], [90, 0.4], [0, 0.2]]],
  TYR: [CHI1, AROMATIC],
  VAL: [[[175, 0.73], [-60, 0.2], [63, 0.07]]],
};

const PROLINE_PUCKERS: number[][] = [[25, -33], [-25, 33]];

const MAX_ROTAMERS = 24;

const rotamerCache = new Map<string, number[][]>();

/** χ angle sets of a standard residue, most frequent first (at most MAX_ROTAMERS). */
export function rotamers(residue: string): number[][] {
  const cached = rotamerCache.get(residue);
  if (cached) return cached;
  let list: number[][];
  if (residue === 'PRO') list = PROLINE_PUCKERS;
  else {
    let combos: Array<[number[], number]> = [[[], 1]];
    for (const options of ROTAMER_OPTIONS[residue] ?? []) {
      combos = combos.flatMap(([chis, weight]) => options.map(([value, w]): [number[], number] => [[...chis, value], weight * w]));
    }
    list = combos.sort((a, b) => b[1] - a[1]).slice(0, MAX_ROTAMERS).map(([chis]) => chis);
  }
  rotamerCache.set(residue, list);
  return list;
}

const gridCache = new Map<string, number[][]>();

/**
 * χ angle sets on a grid (30° for χ1 and χ2, the three staggered values beyond), for side chains
 * that none of the library's rotamers fits.
 */
export function chiGrid(residue: string): number[][] {
  const cached = gridCache.get(residue);
  if (cached) return cached;
  // Proline's ring allows only its two puckers (already among its rotamers).
  const count = residue === 'PRO' ? 0 : (ROTAMER_OPTIONS[residue]?.length ?? 0);
  if (count === 0) return [];
  let sets: number[][] = [[]];
  for (let k = 0; k < count; k++) {
    const values = k < 2 ? Array.from({ length: 12 }, (_, j) => -180 + 30 * j) : [180, -65, 65];
    sets = sets.flatMap((chis) => values.map((value) => [...chis, value]));
  }
  gridCache.set(residue, sets);
  return sets;
}

export interface Backbone {
  N: Vec3;
  CA: Vec3;
  C: Vec3;
  O: Vec3;
}

/** CB of an L amino acid from its backbone (any residue but glycine). */
export function betaCarbon(residue: string, backbone: Backbone): Vec3 {
  const [bond, angle, torsion] = CB[residue] ?? CB_DEFAULT;
  return placeAtom(backbone.N, backbone.C, backbone.CA, bond, angle, torsion);
}

/**
 * Side-chain heavy atoms after CB (CB included first) for χ angles `chis`; empty for glycine.
 * Unknown residue names get CB only, as `UNK` has in the CCD.
 */
export function sideChain(residue: string, backbone: Backbone, chis: readonly number[]): PlacedAtom[] {
  if (residue === 'GLY') return [];
  const placed = new Map<string, Vec3>([['N', backbone.N], ['CA', backbone.CA], ['C', backbone.C]]);
  const cb = betaCarbon(residue, backbone);
  placed.set('CB', cb);
  const atoms: PlacedAtom[] = [{ name: 'CB', element: 'C', position: cb }];
  for (const [name, element, [a, b, c], bond, angle, torsion] of SIDE_CHAINS[residue] ?? []) {
    const value = typeof torsion === 'number' ? torsion : chis[torsion[0]] + torsion[1];
    const position = placeAtom(placed.get(a)!, placed.get(b)!, placed.get(c)!, bond, angle, value);
    placed.set(name, position);
    atoms.push({ name, element, position });
  }
  return atoms;
}

/** Heavy side-chain atom count (CB included), for sizing before placement. */
export function sideChainSize(residue: string): number {
  return residue === 'GLY' ? 0 : 1 + (SIDE_CHAINS[residue]?.length ?? 0);
}
