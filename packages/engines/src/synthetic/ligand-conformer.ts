import type { MoleculeGraph } from '@boltz/chemistry';
import type { Random } from './random.ts';
import type { Vec3 } from './vector.ts';

/**
 * 3D coordinates for a SMILES ligand's heavy atoms. RDKit's WebAssembly build has no 3D
 * embedding, so this is a small distance-geometry-style refinement of RDKit's 2D depiction:
 *
 * - Start from the depiction (scaled to bond lengths), lifted out of the plane: the far atom of
 *   each wedge bond up, of each hash bond down (that is what the wedges mean), everything not
 *   aromatic jiggled slightly so that saturated rings and chains can pucker.
 * - Minimise (FIRE, Bitzek et al. 2006) a simple force field: bond lengths from UFF's rule
 *   (Rappé et al. 1992: covalent radii by hybridisation, a bond-order term and an
 *   electronegativity correction), bond angles as 1–3 distances (109.5°, 120°, 180° by
 *   hybridisation; 60°, 90°, 108° inside 3-, 4- and 5-membered rings), planarity of sp2 centres
 *   and of every bond between two sp2 atoms (aromatic rings, double bonds, amides, conjugation),
 *   the sign of each stereocentre's chiral volume as the wedges set it, and repulsion between
 *   atoms three or more bonds apart.
 *
 * Double-bond geometry (E/Z) comes from the depiction, which RDKit draws correctly, and the
 * planarity terms keep it. Bond lengths land within a few hundredths of an ångström of UFF's.
 */
interface Hybridisation {
  kind: 'sp' | 'sp2' | 'sp3';
  angle: number;
}

// UFF covalent radii (Å) by element and hybridisation, and GMP electronegativities.
const RADII: Record<string, { sp3: number; sp2?: number; sp?: number; aromatic?: number }> = {
  C: { sp3: 0.757, sp2: 0.732, sp: 0.706, aromatic: 0.729 },
  N: { sp3: 0.7, sp2: 0.685, sp: 0.656, aromatic: 0.699 },
  O: { sp3: 0.658, sp2: 0.634, aromatic: 0.68 },
  S: { sp3: 1.064, sp2: 0.854, aromatic: 1.077 },
  P: { sp3: 1.101 },
  F: { sp3: 0.668 },
  CL: { sp3: 1.044 },
  BR: { sp3: 1.192 },
  I: { sp3: 1.382 },
  B: { sp3: 0.838, sp2: 0.828 },
  SI: { sp3: 1.117 },
  SE: { sp3: 1.19 },
};
const ELECTRONEGATIVITY: Record<string, number> = { C: 5.343, N: 6.899, O: 8.741, S: 6.928, P: 5.463, F: 10.874, CL: 8.564, BR: 7.79, I: 6.822, B: 4.75, SI: 4.168, SE: 6.776 };
const DEFAULT_RADIUS = 1.2;
const DEFAULT_ELECTRONEGATIVITY = 5;

const K = { bond: 200, angle: 40, planar: 20, chiral: 50, repulsion: 20 };
const CHIRAL_VOLUME = 1.2; // Å³, the minimum |volume| that a stereocentre keeps with its sign
const ITERATIONS = 600;
const CONVERGED = 2; // largest gradient component, energy units per Å

export function embedMolecule(graph: MoleculeGraph, random: Random): Vec3[] {
  const n = graph.atoms.length;
  if (n === 0) return [];
  if (n === 1) return [[0, 0, 0]];
  const elements = graph.atoms.map((a) => a.element.toUpperCase());
  const neighbours: number[][] = elements.map(() => []);
  const bondOrder = new Map<number, number>();
  const key = (i: number, j: number) => (i < j ? i * n + j : j * n + i);
  for (const bond of graph.bonds) {
    neighbours[bond.begin].push(bond.end);
    neighbours[bond.end].push(bond.begin);
    bondOrder.set(key(bond.begin, bond.end), bond.order);
  }
  const aromatic = elements.map((_, i) => neighbours[i].some((j) => bondOrder.get(key(i, j)) === 1.5));
  const hybrid = hybridisations(elements, neighbours, bondOrder, key, aromatic);
  const ringSize = smallestRings(n, neighbours, key);

  // Targets: bonds (1–2) and angles (1–3 distances).
  const pairs: Array<[number, number, number, number]> = []; // i, j, target, k
  const bonded = new Set<number>();
  for (const bond of graph.bonds) {
    const length = bondLength(elements, hybrid, aromatic, bond.begin, bond.end, bond.order);
    pairs.push([bond.begin, bond.end, length, K.bond]);
    bonded.add(key(bond.begin, bond.end));
  }
  const lengthOf = (i: number, j: number) => bondLength(elements, hybrid, aromatic, i, j, bondOrder.get(key(i, j)) ?? 1);
  const oneThree = new Set<number>();
  for (let c = 0; c < n; c++) {
    const around = neighbours[c];
    for (let x = 0; x < around.length; x++) {
      for (let y = x + 1; y < around.length; y++) {
        const [a, b] = [around[x], around[y]];
        const ring = ringSize.get(key(c, a)) === ringSize.get(key(c, b)) ? sharedRing(ringSize, key, c, a, b) : 0;
        const angle = ring === 3 ? 60 : ring === 4 ? 90 : ring === 5 ? (hybrid[c].kind === 'sp3' ? 105 : 108) : hybrid[c].angle;
        const [ra, rb] = [lengthOf(c, a), lengthOf(c, b)];
        const target = Math.sqrt(ra * ra + rb * rb - 2 * ra * rb * Math.cos((angle * Math.PI) / 180));
        if (!bonded.has(key(a, b))) pairs.push([a, b, target, K.angle]);
        oneThree.add(key(a, b));
      }
    }
  }
  // Planarity: sp2 centres with three neighbours, and the four atoms around each sp2–sp2 bond.
  const planes: Array<[number, number, number, number]> = [];
  for (let c = 0; c < n; c++) {
    if (hybrid[c].kind === 'sp2' && neighbours[c].length === 3) planes.push([c, ...neighbours[c]] as [number, number, number, number]);
  }
  for (const bond of graph.bonds) {
    const [i, j] = [bond.begin, bond.end];
    if (hybrid[i].kind !== 'sp2' || hybrid[j].kind !== 'sp2') continue;
    for (const x of neighbours[i]) if (x !== j) for (const y of neighbours[j]) if (y !== i && x !== y) planes.push([x, i, j, y]);
  }

  // Start: the depiction, scaled to bond lengths, lifted by the wedges.
  const depictionBond = graph.bonds.length
    ? graph.bonds.reduce((s, b) => s + Math.hypot(graph.atoms[b.begin].x - graph.atoms[b.end].x, graph.atoms[b.begin].y - graph.atoms[b.end].y), 0) / graph.bonds.length
    : 1.5;
  const scale = 1.45 / (depictionBond || 1.5);
  const x = new Float64Array(3 * n);
  graph.atoms.forEach((atom, i) => {
    x[3 * i] = atom.x * scale;
    x[3 * i + 1] = atom.y * scale;
  });
  // Stereocentres: the sign of the chiral volume that the wedge means, the wedged neighbour
  // above (or below) the flat depiction.
  const chiral: Array<[number, number, number, number, number]> = [];
  for (const bond of graph.bonds) {
    const c = bond.begin;
    if (!bond.stereo || neighbours[c].length < 3 || chiral.some((t) => t[0] === c)) continue;
    const lift = bond.stereo === 'wedge' ? 1 : -1;
    x[3 * bond.end + 2] = lift;
    const [a, b, d] = neighbours[c];
    const volume = signedVolume(x, c, a, b, d);
    x[3 * bond.end + 2] = 0;
    if (Math.abs(volume) > 1e-3) chiral.push([c, a, b, d, Math.sign(volume)]);
  }
  // Lifted by the wedges, everything not aromatic jiggled so that rings and chains can pucker.
  for (let i = 0; i < n; i++) if (!aromatic[i]) x[3 * i + 2] = random.between(-0.3, 0.3);
  for (const bond of graph.bonds) if (bond.stereo) x[3 * bond.end + 2] += bond.stereo === 'wedge' ? 0.9 : -0.9;
  // Repulsion between atoms at least three bonds apart (1–4 pairs a little closer).
  const repulsive: Array<[number, number, number]> = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const k = key(i, j);
      if (bonded.has(k) || oneThree.has(k)) continue;
      const oneFour = neighbours[i].some((a) => neighbours[j].some((b) => a === b || bonded.has(key(a, b))));
      repulsive.push([i, j, oneFour ? 2.6 : 3.1]);
    }
  }

  // Flat arrays: the energy is evaluated hundreds of times.
  const pairAtoms = Int32Array.from(pairs.flatMap(([i, j]) => [i, j]));
  const pairTargets = Float64Array.from(pairs.map((p) => p[2]));
  const pairK = Float64Array.from(pairs.map((p) => p[3]));
  const repulsiveAtoms = Int32Array.from(repulsive.flatMap(([i, j]) => [i, j]));
  const repulsiveMinimum = Float64Array.from(repulsive.map((p) => p[2]));
  const planeAtoms = Int32Array.from(planes.flat());
  minimise(x, (coords, gradient) => {
    let energy = 0;
    for (let p = 0; p < pairTargets.length; p++) energy += spring(coords, gradient, pairAtoms[2 * p], pairAtoms[2 * p + 1], pairTargets[p], pairK[p], false);
    for (let p = 0; p < repulsiveMinimum.length; p++) energy += spring(coords, gradient, repulsiveAtoms[2 * p], repulsiveAtoms[2 * p + 1], repulsiveMinimum[p], K.repulsion, true);
    for (let p = 0; p < planeAtoms.length; p += 4) {
      const [a, b, c, d] = [planeAtoms[p], planeAtoms[p + 1], planeAtoms[p + 2], planeAtoms[p + 3]];
      const v = signedVolume(coords, a, b, c, d);
      energy += K.planar * v * v;
      volumeGradient(coords, gradient, a, b, c, d, 2 * K.planar * v);
    }
    for (const [c, a, b, d, sign] of chiral) {
      const v = sign * signedVolume(coords, c, a, b, d);
      if (v >= CHIRAL_VOLUME) continue;
      const short = CHIRAL_VOLUME - v;
      energy += K.chiral * short * short;
      volumeGradient(coords, gradient, c, a, b, d, -2 * K.chiral * short * sign);
    }
    return energy;
  });
  const positions: Vec3[] = [];
  for (let i = 0; i < n; i++) positions.push([x[3 * i], x[3 * i + 1], x[3 * i + 2]]);
  return positions;
}

function hybridisations(
  elements: string[],
  neighbours: number[][],
  bondOrder: Map<number, number>,
  key: (i: number, j: number) => number,
  aromatic: boolean[],
): Hybridisation[] {
  const base = elements.map((_, i): Hybridisation['kind'] => {
    const orders = neighbours[i].map((j) => bondOrder.get(key(i, j)) ?? 1);
    if (orders.includes(3) || orders.filter((o) => o === 2).length >= 2) return 'sp';
    if (aromatic[i] || orders.includes(2)) return 'sp2';
    return 'sp3';
  });
  return elements.map((element, i) => {
    let kind = base[i];
    // Amide, aniline and enamine nitrogens are planar: conjugated with a neighbouring sp2 atom.
    if (kind === 'sp3' && element === 'N' && neighbours[i].length <= 3 && neighbours[i].some((j) => base[j] === 'sp2')) kind = 'sp2';
    const angle = kind === 'sp' ? 180 : kind === 'sp2' ? 120 : element === 'O' ? 110 : element === 'S' || element === 'SE' ? 100 : 109.47;
    return { kind, angle };
  });
}

function bondLength(elements: string[], hybrid: Hybridisation[], aromatic: boolean[], i: number, j: number, order: number): number {
  const radius = (a: number) => {
    const table = RADII[elements[a]];
    if (!table) return DEFAULT_RADIUS;
    if (aromatic[a] && table.aromatic) return table.aromatic;
    return table[hybrid[a].kind] ?? table.sp3;
  };
  const [ri, rj] = [radius(i), radius(j)];
  const [xi, xj] = [ELECTRONEGATIVITY[elements[i]] ?? DEFAULT_ELECTRONEGATIVITY, ELECTRONEGATIVITY[elements[j]] ?? DEFAULT_ELECTRONEGATIVITY];
  const bondOrderTerm = -0.1332 * (ri + rj) * Math.log(order);
  const electronegativityTerm = (ri * rj * (Math.sqrt(xi) - Math.sqrt(xj)) ** 2) / (xi * ri + xj * rj);
  return ri + rj + bondOrderTerm - electronegativityTerm;
}

/** Smallest ring (≤ 8 atoms) through each bond, by breadth-first search around it. */
function smallestRings(n: number, neighbours: number[][], key: (i: number, j: number) => number): Map<number, number> {
  const sizes = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    for (const j of neighbours[i]) {
      if (j < i) continue;
      // Shortest path from j back to i avoiding the bond itself.
      const depth = new Map<number, number>([[j, 0]]);
      const queue = [j];
      let found = 0;
      while (queue.length && !found) {
        const at = queue.shift()!;
        const d = depth.get(at)!;
        if (d >= 7) break;
        for (const next of neighbours[at]) {
          if (at === j && next === i) continue;
          if (next === i) {
            found = d + 2;
            break;
          }
          if (!depth.has(next)) {
            depth.set(next, d + 1);
            queue.push(next);
          }
        }
      }
      if (found) sizes.set(key(i, j), found);
    }
  }
  return sizes;
}

/** The size of a small ring containing the angle a–c–b (both bonds in it), else 0. */
function sharedRing(sizes: Map<number, number>, key: (i: number, j: number) => number, c: number, a: number, b: number): number {
  const size = sizes.get(key(c, a));
  return size !== undefined && size === sizes.get(key(c, b)) ? size : 0;
}

/** k·(d − target)² (or only when d < target, for repulsion), accumulating the gradient. */
function spring(x: Float64Array, g: Float64Array, i: number, j: number, target: number, k: number, repulsionOnly: boolean): number {
  const dx = x[3 * i] - x[3 * j];
  const dy = x[3 * i + 1] - x[3 * j + 1];
  const dz = x[3 * i + 2] - x[3 * j + 2];
  const d = Math.sqrt(dx * dx + dy * dy + dz * dz) || 1e-6;
  const stretch = d - target;
  if (repulsionOnly && stretch >= 0) return 0;
  const f = (2 * k * stretch) / d;
  g[3 * i] += f * dx;
  g[3 * i + 1] += f * dy;
  g[3 * i + 2] += f * dz;
  g[3 * j] -= f * dx;
  g[3 * j + 1] -= f * dy;
  g[3 * j + 2] -= f * dz;
  return k * stretch * stretch;
}

/** (b − a)·((c − a) × (d − a)). */
function signedVolume(x: Float64Array, a: number, b: number, c: number, d: number): number {
  const [ax, ay, az] = [x[3 * a], x[3 * a + 1], x[3 * a + 2]];
  const [ux, uy, uz] = [x[3 * b] - ax, x[3 * b + 1] - ay, x[3 * b + 2] - az];
  const [vx, vy, vz] = [x[3 * c] - ax, x[3 * c + 1] - ay, x[3 * c + 2] - az];
  const [wx, wy, wz] = [x[3 * d] - ax, x[3 * d + 1] - ay, x[3 * d + 2] - az];
  return ux * (vy * wz - vz * wy) + uy * (vz * wx - vx * wz) + uz * (vx * wy - vy * wx);
}

/** Adds factor · ∂volume/∂x for the volume (b − a)·((c − a) × (d − a)). */
function volumeGradient(x: Float64Array, g: Float64Array, a: number, b: number, c: number, d: number, factor: number): void {
  const ax = x[3 * a];
  const ay = x[3 * a + 1];
  const az = x[3 * a + 2];
  const ux = x[3 * b] - ax;
  const uy = x[3 * b + 1] - ay;
  const uz = x[3 * b + 2] - az;
  const vx = x[3 * c] - ax;
  const vy = x[3 * c + 1] - ay;
  const vz = x[3 * c + 2] - az;
  const wx = x[3 * d] - ax;
  const wy = x[3 * d + 1] - ay;
  const wz = x[3 * d + 2] - az;
  // ∂V/∂b = v × w, ∂V/∂c = w × u, ∂V/∂d = u × v, ∂V/∂a = −(their sum).
  const g1 = [vy * wz - vz * wy, vz * wx - vx * wz, vx * wy - vy * wx];
  const g2 = [wy * uz - wz * uy, wz * ux - wx * uz, wx * uy - wy * ux];
  const g3 = [uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx];
  for (let k = 0; k < 3; k++) {
    g[3 * b + k] += factor * g1[k];
    g[3 * c + k] += factor * g2[k];
    g[3 * d + k] += factor * g3[k];
    g[3 * a + k] -= factor * (g1[k] + g2[k] + g3[k]);
  }
}

/** FIRE minimisation (fast inertial relaxation engine) of `energy` from `x`, in place. */
function minimise(x: Float64Array, energy: (x: Float64Array, gradient: Float64Array) => number): void {
  const gradient = new Float64Array(x.length);
  const velocity = new Float64Array(x.length);
  let dt = 0.02;
  let alpha = 0.1;
  let positiveSteps = 0;
  for (let step = 0; step < ITERATIONS; step++) {
    gradient.fill(0);
    energy(x, gradient);
    let power = 0;
    let vNorm = 0;
    let fNorm = 0;
    for (let k = 0; k < x.length; k++) {
      power -= gradient[k] * velocity[k];
      vNorm += velocity[k] * velocity[k];
      fNorm += gradient[k] * gradient[k];
    }
    // Converged: the largest force is small (≈ 0.01 Å of bond stretch).
    let largest = 0;
    for (let k = 0; k < x.length; k++) largest = Math.max(largest, Math.abs(gradient[k]));
    if (largest < CONVERGED) break;
    [vNorm, fNorm] = [Math.sqrt(vNorm), Math.sqrt(fNorm)];
    for (let k = 0; k < x.length; k++) velocity[k] = (1 - alpha) * velocity[k] - (alpha * vNorm * gradient[k]) / fNorm;
    if (power > 0) {
      if (++positiveSteps > 5) {
        dt = Math.min(dt * 1.1, 0.1);
        alpha *= 0.99;
      }
    } else {
      positiveSteps = 0;
      dt *= 0.5;
      alpha = 0.1;
      velocity.fill(0);
    }
    for (let k = 0; k < x.length; k++) {
      velocity[k] -= dt * gradient[k];
      x[k] += dt * velocity[k];
    }
  }
}
