import type { PlacedAtom } from './amino-acids.ts';
import type { ResidueAtoms } from './protein-fold.ts';
import { DEG, rigidTransform, type Vec3 } from './vector.ts';

/**
 * All-atom nucleic acids as B-form helices: a single strand, or two antiparallel strands paired
 * base to base when one is (mostly) the reverse complement of the other.
 *
 * - Sugar–phosphate backbone: the B-DNA fiber model of Arnott & Hukins (1972), cylindrical
 *   coordinates per nucleotide, rise 3.38 Å and twist 36° per residue, the strand running 5'→3'
 *   towards −z (RNA gets O2' on its ribose, placed tetrahedrally at C2').
 * - Bases: the standard base reference frames of Olson et al. (2001, the 3DNA convention), in
 *   which a Watson–Crick pair lies in the xy plane with its dyad along x. Each base is carried
 *   onto its nucleotide by superposing its glycosidic N, C1' and the frame origin on the
 *   backbone's glycosidic N, C1' and the helix axis; the partner strand of a duplex is the
 *   first strand turned half a turn about each pair's dyad, with the complementary base.
 *
 * RNA is built in B form too (real duplex RNA is A form): test-mode geometry, not a prediction.
 */
type Cylindrical = [r: number, theta: number, z: number];

const FIBER: Array<[name: string, element: string, ...Cylindrical]> = [
  ['P', 'P', 8.91, 95.2, 2.08],
  ['OP1', 'O', 10.2, 91.1, 1.86],
  ['OP2', 'O', 8.82, 103.3, 1.29],
  ["O5'", 'O', 7.73, 88.0, 1.83],
  ["C5'", 'C', 7.7, 79.8, 2.77],
  ["C4'", 'C', 7.59, 69.9, 2.04],
  ["O4'", 'O', 6.22, 66.0, 1.83],
  ["C3'", 'C', 8.2, 69.9, 0.64],
  // O3' is the next phosphate's bridging oxygen.
  ["O3'", 'O', 8.75, 97.4 - 36, 3.63 - 3.38],
  ["C2'", 'C', 7.04, 73.2, -0.24],
  ["C1'", 'C', 5.86, 67.4, 0.47],
];
const GLYCOSIDIC_N: Cylindrical = [4.63, 76.6, 0.42];
const RISE = 3.38;
const TWIST = 36;

// Standard base frames (Olson et al. 2001): [atom, element, x, y] with z = 0.
type BaseAtoms = Array<[string, string, number, number]>;
const PURINE_CORE: BaseAtoms = [['C8', 'C', 0.024, 4.897], ['N7', 'N', 0.877, 3.902], ['C5', 'C', 0.071, 2.771], ['C6', 'C', 0.369, 1.398], ['N1', 'N', -0.668, 0.532], ['C2', 'C', -1.912, 1.023], ['N3', 'N', -2.32, 2.29], ['C4', 'C', -1.267, 3.124]];
const BASES: Record<'A' | 'G' | 'C' | 'T' | 'U', { glycosidic: [string, number, number]; c1: [number, number]; atoms: BaseAtoms }> = {
  A: { glycosidic: ['N9', -1.291, 4.498], c1: [-2.479, 5.346], atoms: [...PURINE_CORE, ['N6', 'N', 1.611, 0.909]] },
  G: {
    glycosidic: ['N9', -1.289, 4.551],
    c1: [-2.477, 5.399],
    atoms: [['C8', 'C', 0.023, 4.962], ['N7', 'N', 0.87, 3.969], ['C5', 'C', 0.071, 2.833], ['C6', 'C', 0.424, 1.46], ['O6', 'O', 1.554, 0.955], ['N1', 'N', -0.7, 0.641], ['C2', 'C', -1.999, 1.087], ['N2', 'N', -2.949, 0.139], ['N3', 'N', -2.342, 2.364], ['C4', 'C', -1.265, 3.177]],
  },
  C: {
    glycosidic: ['N1', -1.285, 4.542],
    c1: [-2.477, 5.402],
    atoms: [['C2', 'C', -1.472, 3.158], ['O2', 'O', -2.628, 2.709], ['N3', 'N', -0.391, 2.344], ['C4', 'C', 0.837, 2.868], ['N4', 'N', 1.875, 2.027], ['C5', 'C', 1.056, 4.275], ['C6', 'C', -0.023, 5.068]],
  },
  T: {
    glycosidic: ['N1', -1.284, 4.5],
    c1: [-2.481, 5.354],
    atoms: [['C2', 'C', -1.462, 3.135], ['O2', 'O', -2.562, 2.608], ['N3', 'N', -0.298, 2.407], ['C4', 'C', 0.994, 2.897], ['O4', 'O', 1.944, 2.119], ['C5', 'C', 1.106, 4.338], ['C7', 'C', 2.466, 4.961], ['C6', 'C', -0.024, 5.057]],
  },
  U: {
    glycosidic: ['N1', -1.284, 4.5],
    c1: [-2.481, 5.354],
    atoms: [['C2', 'C', -1.462, 3.131], ['O2', 'O', -2.563, 2.608], ['N3', 'N', -0.302, 2.397], ['C4', 'C', 0.989, 2.884], ['O4', 'O', 1.935, 2.094], ['C5', 'C', 1.089, 4.311], ['C6', 'C', -0.024, 5.053]],
  },
};
const COMPLEMENT: Record<string, string> = { A: 'T', T: 'A', G: 'C', C: 'G', U: 'A' };

function cylindrical([r, theta, z]: Cylindrical, level: number): Vec3 {
  const angle = (theta - TWIST * level) * DEG;
  return [r * Math.cos(angle), r * Math.sin(angle), z - RISE * level];
}

/** The base letter of a residue name (`DA` → A, `U` → U); undefined for unknown or modified ones. */
function baseOf(residue: string): keyof typeof BASES | undefined {
  const letter = residue.length === 2 && residue[0] === 'D' ? residue[1] : residue;
  return Object.hasOwn(BASES, letter) ? (letter as keyof typeof BASES) : undefined;
}

interface Level {
  atoms: PlacedAtom[];
  /** Standard base frame → world, for the pair at this level (undefined without a base). */
  frame?: ReturnType<typeof rigidTransform>;
}

/** One nucleotide of the first strand at helix level `level`. */
function nucleotide(residue: string, rna: boolean, level: number): Level {
  const atoms: PlacedAtom[] = FIBER.map(([name, element, ...position]) => ({ name, element, position: cylindrical(position, level) }));
  const at = (name: string) => atoms.find((a) => a.name === name)!.position;
  if (rna) atoms.push({ name: "O2'", element: 'O', position: ribose2Oxygen(at("C1'"), at("C2'"), at("C3'"), [cylindrical(FIBER[0].slice(2) as Cylindrical, level + 1), cylindrical(FIBER[2].slice(2) as Cylindrical, level + 1)]) });
  const base = baseOf(residue);
  if (!base) return { atoms };
  const { glycosidic, c1, atoms: ring } = BASES[base];
  const n = cylindrical(GLYCOSIDIC_N, level);
  const frame = rigidTransform(
    [[glycosidic[1], glycosidic[2], 0], [c1[0], c1[1], 0], [0, 0, 0]],
    [n, at("C1'"), [0, 0, n[2]]],
  );
  atoms.push({ name: glycosidic[0], element: 'N', position: n });
  for (const [name, element, x, y] of ring) atoms.push({ name, element, position: frame.forward([x, y, 0]) });
  return { atoms, frame };
}

/** O2' on C2', tetrahedral, on the side away from the next nucleotide's phosphate. */
function ribose2Oxygen(c1: Vec3, c2: Vec3, c3: Vec3, nextPhosphate: Vec3[]): Vec3 {
  const u = normal(c2, c1);
  const v = normal(c2, c3);
  const bisector = normal([0, 0, 0], [-(u[0] + v[0]), -(u[1] + v[1]), -(u[2] + v[2])]);
  const perpendicular = normal([0, 0, 0], [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]);
  const candidates = [1, -1].map((sign): Vec3 => {
    const cos = Math.cos(54.75 * DEG);
    const sin = sign * Math.sin(54.75 * DEG);
    return [c2[0] + 1.42 * (bisector[0] * cos + perpendicular[0] * sin), c2[1] + 1.42 * (bisector[1] * cos + perpendicular[1] * sin), c2[2] + 1.42 * (bisector[2] * cos + perpendicular[2] * sin)];
  });
  const gap = (p: Vec3) => Math.min(...nextPhosphate.map((q) => Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2])));
  return gap(candidates[0]) > gap(candidates[1]) ? candidates[0] : candidates[1];
}

function normal(from: Vec3, to: Vec3): Vec3 {
  const d: Vec3 = [to[0] - from[0], to[1] - from[1], to[2] - from[2]];
  const length = Math.hypot(...d) || 1;
  return [d[0] / length, d[1] / length, d[2] / length];
}

/** A single B-form strand, 5'→3'. */
export function nucleicAcidStrand(residueNames: readonly string[], rna: boolean): ResidueAtoms[] {
  return residueNames.map((name, level) => ({ name, atoms: nucleotide(name, rna, level).atoms }));
}

/**
 * True when `second` can pair with `first` as an antiparallel duplex: same length and at least
 * 80 % Watson–Crick pairs (residue i of the first with residue n − 1 − i of the second).
 */
export function canPair(first: readonly string[], second: readonly string[]): boolean {
  if (first.length !== second.length || first.length === 0) return false;
  let pairs = 0;
  first.forEach((residue, i) => {
    const [a, b] = [baseOf(residue), baseOf(second[second.length - 1 - i])];
    if (a && b && (COMPLEMENT[a] === b || (a === 'A' && b === 'U') || (b === 'A' && a === 'U'))) pairs++;
  });
  return pairs >= 0.8 * first.length;
}

/** Two antiparallel strands paired base to base (`canPair` must hold). */
export function nucleicAcidDuplex(first: readonly string[], firstRna: boolean, second: readonly string[], secondRna: boolean): [ResidueAtoms[], ResidueAtoms[]] {
  const n = first.length;
  const levels = first.map((name, level) => nucleotide(name, firstRna, level));
  const partner: ResidueAtoms[] = [];
  for (let j = 0; j < n; j++) {
    const level = n - 1 - j;
    const name = second[j];
    const own = levels[level];
    // The pair's dyad: (x, y, z) → (x, −y, −z) in the standard frame. Without a base frame at
    // this level (an unknown nucleotide), the neighbouring level's frame shifted by one step.
    const frame = own.frame ?? levels.find((l) => l.frame)?.frame;
    const dyad = (p: Vec3): Vec3 => {
      if (!frame) return p;
      const [x, y, z] = frame.inverse(p);
      return frame.forward([x, -y, -z]);
    };
    const template = nucleotide(name, secondRna, level);
    const backbone = template.atoms
      .filter((a) => FIBER.some(([fiberName]) => fiberName === a.name) || a.name === "O2'")
      .map((a) => ({ ...a, position: dyad(a.position) }));
    const base = baseOf(name);
    const ring: PlacedAtom[] = [];
    if (base && frame) {
      const { glycosidic, atoms } = BASES[base];
      ring.push({ name: glycosidic[0], element: 'N', position: frame.forward([glycosidic[1], -glycosidic[2], 0]) });
      for (const [atomName, element, x, y] of atoms) ring.push({ name: atomName, element, position: frame.forward([x, -y, 0]) });
    }
    partner.push({ name, atoms: [...backbone, ...ring] });
  }
  return [levels.map((l, i) => ({ name: first[i], atoms: l.atoms })), partner];
}
