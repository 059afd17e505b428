/**
 * Ideal polymer geometry for synthetic structures, in a frame where every helix runs along +z
 * through the origin, so chains can be laid out side by side by translation alone.
 *
 * - Proteins: an ideal right-handed alpha helix built from internal coordinates (Engh & Huber
 *   bond lengths and angles, phi −57°, psi −47°, omega 180°), atoms N, CA, C, O.
 * - Nucleic acids: the B-DNA fiber model of Arnott & Hukins (1972), cylindrical coordinates of
 *   the phosphate and sugar atoms plus the glycosidic nitrogen; rise 3.38 Å, twist 36° per
 *   residue, the strand running 5'→3' towards −z. RNA uses the same backbone plus O2'.
 */
export type Vec3 = [number, number, number];

export interface PlacedAtom {
  name: string;
  element: string;
  position: Vec3;
}

const DEG = Math.PI / 180;

const sub = (a: Vec3, b: Vec3): Vec3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const add = (a: Vec3, b: Vec3): Vec3 => [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
const scale = (a: Vec3, k: number): Vec3 => [a[0] * k, a[1] * k, a[2] * k];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const norm = (a: Vec3): Vec3 => scale(a, 1 / Math.hypot(...a));

export function distance(a: Vec3, b: Vec3): number {
  return Math.hypot(...sub(a, b));
}

export function translate(position: Vec3, by: Vec3): Vec3 {
  return add(position, by);
}

/** Natural extension reference frame: the atom d with |cd| = bond, ∠bcd = angle, dihedral abcd = torsion. */
function placeAtom(a: Vec3, b: Vec3, c: Vec3, bond: number, angle: number, torsion: number): Vec3 {
  const bc = norm(sub(c, b));
  const n = norm(cross(sub(b, a), bc));
  const m = cross(n, bc);
  const local: Vec3 = [-bond * Math.cos(angle * DEG), bond * Math.sin(angle * DEG) * Math.cos(torsion * DEG), bond * Math.sin(angle * DEG) * Math.sin(torsion * DEG)];
  return add(c, add(scale(bc, local[0]), add(scale(m, local[1]), scale(n, local[2]))));
}

const HELIX = { phi: -57, psi: -47, omega: 180 };
const BOND = { NCA: 1.458, CAC: 1.525, CN: 1.329, CO: 1.231 };
const ANGLE = { NCAC: 111.2, CACN: 116.2, CNCA: 121.7, CACO: 120.5 };

function rawHelix(length: number): Vec3[][] {
  const residues: Vec3[][] = [];
  let n: Vec3 = [0, 0, 0];
  let ca: Vec3 = [BOND.NCA, 0, 0];
  let c: Vec3 = add(ca, [-BOND.CAC * Math.cos(ANGLE.NCAC * DEG), BOND.CAC * Math.sin(ANGLE.NCAC * DEG), 0]);
  for (let i = 0; i < length; i++) {
    const o = placeAtom(n, ca, c, BOND.CO, ANGLE.CACO, HELIX.psi + 180);
    residues.push([n, ca, c, o]);
    const nextN = placeAtom(n, ca, c, BOND.CN, ANGLE.CACN, HELIX.psi);
    const nextCa = placeAtom(ca, c, nextN, BOND.NCA, ANGLE.CNCA, HELIX.omega);
    const nextC = placeAtom(c, nextN, nextCa, BOND.CAC, ANGLE.NCAC, HELIX.phi);
    [n, ca, c] = [nextN, nextCa, nextC];
  }
  return residues;
}

/** Rigid transform taking the raw helix's axis onto +z through the origin (computed once). */
const helixFrame = (() => {
  // 18 residues = 5 turns of 3.6: the CA centroid of each block lies on the axis.
  const reference = rawHelix(36).map((r) => r[1]);
  const centroid = (points: Vec3[]): Vec3 => scale(points.reduce(add, [0, 0, 0]), 1 / points.length);
  const start = centroid(reference.slice(0, 18));
  const axis = norm(sub(centroid(reference.slice(18, 36)), start));
  // Rodrigues rotation of `axis` onto z.
  const z: Vec3 = [0, 0, 1];
  const k = cross(axis, z);
  const sin = Math.hypot(...k);
  const cos = dot(axis, z);
  const unit = sin > 1e-9 ? scale(k, 1 / sin) : ([1, 0, 0] as Vec3);
  const rotate = (v: Vec3): Vec3 =>
    add(add(scale(v, cos), scale(cross(unit, v), sin)), scale(unit, dot(unit, v) * (1 - cos)));
  return (p: Vec3): Vec3 => rotate(sub(p, start));
})();

const BACKBONE_NAMES = ['N', 'CA', 'C', 'O'];

/** Backbone atoms of an ideal alpha helix, per residue; residue i sits about 1.5·i Å up the z axis. */
export function alphaHelix(length: number): PlacedAtom[][] {
  return rawHelix(length).map((residue) =>
    residue.map((position, j) => ({ name: BACKBONE_NAMES[j], element: BACKBONE_NAMES[j][0], position: helixFrame(position) })),
  );
}

/** Arnott & Hukins (1972) B-DNA, [r Å, θ°, z Å]; O3' is the next phosphate's bridging oxygen. */
const FIBER: Array<[name: string, element: string, r: number, theta: number, z: number]> = [
  ['P', 'P', 8.91, 95.2, 2.08],
  ['OP1', 'O', 10.2, 91.1, 1.86],
  ['OP2', 'O', 8.82, 103.3, 1.29],
  ["O5'", 'O', 7.73, 88.0, 1.83],
  ["C5'", 'C', 7.7, 79.8, 2.77],
  ["C4'", 'C', 7.59, 69.9, 2.04],
  ["O4'", 'O', 6.22, 66.0, 1.83],
  ["C3'", 'C', 8.2, 69.9, 0.64],
  ["O3'", 'O', 8.75, 97.4 - 36, 3.63 - 3.38],
  ["C2'", 'C', 7.04, 73.2, -0.24],
  ["C1'", 'C', 5.86, 67.4, 0.47],
];
const GLYCOSIDIC_N: [r: number, theta: number, z: number] = [4.63, 76.6, 0.42];
const RISE = 3.38;
const TWIST = 36;

function cylindrical(r: number, theta: number, z: number): Vec3 {
  return [r * Math.cos(theta * DEG), r * Math.sin(theta * DEG), z];
}

/**
 * Backbone + sugar + glycosidic nitrogen (N9 for purines, N1 for pyrimidines) per nucleotide.
 * `purine(i)` says which; RNA residues also get O2'.
 */
export function nucleicAcidHelix(length: number, kind: 'rna' | 'dna', purine: (i: number) => boolean): PlacedAtom[][] {
  const residues: PlacedAtom[][] = [];
  for (let i = 0; i < length; i++) {
    const turn = -TWIST * i;
    const rise = -RISE * i;
    const atoms = FIBER.map(([name, element, r, theta, z]) => ({ name, element, position: cylindrical(r, theta + turn, z + rise) }));
    if (kind === 'rna') {
      // 1.41 Å from C2', pointing outward and down (2'-OH of a ribose).
      atoms.push({ name: "O2'", element: 'O', position: cylindrical(7.04 + 1.0, 73.2 + turn, -0.24 - 1.0 + rise) });
    }
    const [r, theta, z] = GLYCOSIDIC_N;
    atoms.push({ name: purine(i) ? 'N9' : 'N1', element: 'N', position: cylindrical(r, theta + turn, z + rise) });
    residues.push(atoms);
  }
  return residues;
}
