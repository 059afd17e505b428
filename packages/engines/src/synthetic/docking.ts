import { AtomGrid } from './atom-grid.ts';
import type { Random } from './random.ts';
import { add, axisRotation, centroid, distance, multiply, normalize, randomRotation, rotate, rotationBetween, scale, sub, type Matrix3, type Vec3 } from './vector.ts';

/**
 * Rigid-body placement for the synthetic complex: chains docked against each other, ligands
 * set into surface pockets. Everything is judged on heavy atoms: no two atoms of different
 * bodies closer than CONTACT_MIN, and as many as possible within contact distance.
 */
export const CONTACT_MIN = 3.0; // Å: closest approach between bodies (no clashes)
export const LIGAND_CONTACT = 4.0; // Å: a ligand atom "in contact" with the receptor
const INTERFACE_CONTACT = 4.5;
const CELL = 4.5;

/** The atoms placed so far (receptor), searchable. */
export class Assembly {
  readonly grid = new AtomGrid(CELL, 4096);
  /** Coarse grid for burial counts (atoms within 8 Å). */
  private readonly coarse = new AtomGrid(8, 1024);
  readonly positions: Vec3[] = [];
  /** Bodies that ligands bind to (polymers); contacts count only these. */
  private readonly receptors = new Set<number>();

  add(points: readonly Vec3[], body: number, receptor: boolean): void {
    if (receptor) this.receptors.add(body);
    for (const p of points) {
      this.grid.add(p, body);
      this.coarse.add(p, body);
      this.positions.push(p);
    }
  }

  get center(): Vec3 {
    return centroid(this.positions);
  }

  get radius(): number {
    const c = this.center;
    return Math.sqrt(this.positions.reduce((s, p) => s + distance(p, c) ** 2, 0) / Math.max(1, this.positions.length)) * 1.6 + 4;
  }

  /** True when some point comes closer than CONTACT_MIN to a placed atom. */
  clashes(points: readonly Vec3[]): boolean {
    for (const p of points) if (this.grid.clashes(p, MIN_LIMITS, 0, -1, -1)) return true;
    return false;
  }

  /** Points with a receptor atom within `radius` (≤ 4.5 Å). */
  contacts(points: readonly Vec3[], radius: number): number {
    let n = 0;
    for (const p of points) if (this.grid.forEachNear(p, radius, (_i, _d2, body) => this.receptors.has(body))) n++;
    return n;
  }

  burial(point: Vec3): number {
    return this.coarse.countNear(point, 8);
  }

  nearestDistance(point: Vec3): number {
    return Math.sqrt(this.grid.nearestSquared(point, CELL));
  }
}

const MIN_LIMITS = Float64Array.from([CONTACT_MIN ** 2]);

export interface Pose {
  rotation: Matrix3;
  translation: Vec3;
  contacts: number;
  /** Points of interest (pocket residues, constraint partners) within reach. */
  satisfied: number;
  points: Vec3[];
}

export function applyPose(points: readonly Vec3[], center: Vec3, rotation: Matrix3, translation: Vec3): Vec3[] {
  return points.map((p) => add(rotate(rotation, sub(p, center)), translation));
}

export interface DockOptions {
  /** Approach this point of the assembly (e.g. pocket residues), if given. */
  towards?: Vec3;
  /** Turn this point of the body (e.g. its contact residue) towards the assembly. */
  facing?: Vec3;
  /** Assembly points the body should come within `reach` of (constraints). */
  targets?: Vec3[];
  reach?: number;
  attempts?: number;
  /**
   * Monte Carlo steps that pack the body against the assembly after it touches
   * (`packInterface`), for binders: 0 (default) keeps the first touching pose.
   */
  packSteps?: number;
}

/**
 * Docks a rigid body against the assembly: from several directions (or from the `towards`
 * side), slides it in until it touches without clashing, and keeps the pose with the most
 * interface contacts (constraint targets first). With `packSteps`, the best few touching poses
 * are packed further (`packInterface`) and the best packed one is kept.
 */
export function dockBody(assembly: Assembly, body: readonly Vec3[], random: Random, options: DockOptions = {}): Pose {
  const center = centroid(body);
  const origin = assembly.center;
  const bodyRadius = Math.sqrt(body.reduce((s, p) => s + distance(p, center) ** 2, 0) / body.length) * 1.6 + 4;
  const attempts = options.attempts ?? 12;
  const poses: Pose[] = [];
  for (let k = 0; k < attempts; k++) {
    let direction = randomUnit(random);
    if (options.towards) direction = normalize(add(normalize(sub(options.towards, origin)), scale(direction, 0.35)));
    let rotation = randomRotation(random.next(), random.next(), random.next());
    if (options.facing) {
      // The facing point towards the assembly: along −direction.
      const spin = rotate(rotation, sub(options.facing, center));
      rotation = multiply(rotationBetween(spin, scale(direction, -1)), rotation);
    }
    const placeAt = (t: number) => applyPose(body, center, rotation, add(origin, scale(direction, t)));
    // Binary search for the closest clash-free distance along the direction.
    let [inside, outside] = [0, assembly.radius + bodyRadius + CONTACT_MIN];
    for (let step = 0; step < 14; step++) {
      const middle = (inside + outside) / 2;
      if (assembly.clashes(placeAt(middle))) inside = middle;
      else outside = middle;
    }
    const points = placeAt(outside);
    if (poses.length > 0 && assembly.clashes(points)) continue;
    const contacts = assembly.contacts(points, INTERFACE_CONTACT);
    poses.push({ rotation, translation: add(origin, scale(direction, outside)), contacts, satisfied: satisfiedTargets(points, options), points });
  }
  const rank = (a: Pose, b: Pose) => b.satisfied - a.satisfied || b.contacts - a.contacts;
  poses.sort(rank);
  if (!options.packSteps) return poses[0];
  // The few best first touches, each packed against the assembly; the best packed pose wins.
  const packed = poses.slice(0, PACKED_STARTS).map((pose) => packInterface(assembly, pose, random, options));
  return packed.sort(rank)[0];
}

const PACKED_STARTS = 3;
const PACK_ANGLE = 10; // degrees per Monte Carlo move
const PACK_SHIFT = 0.5; // Å per Monte Carlo move
const PACK_SLACK = 3; // atoms in contact a move may lose

function satisfiedTargets(points: readonly Vec3[], options: DockOptions): number {
  return options.targets ? options.targets.filter((t) => points.some((p) => distance(p, t) <= (options.reach ?? 8))).length : 0;
}

/**
 * Packs a body that touches the assembly into a larger interface: small rigid moves (a turn about
 * the body's centre, a random shift and a pull towards the assembly's centre) that stay
 * clash-free, keep the constraint targets met and lose at most a few atoms in contact are
 * accepted; the pose with the most atoms in contact wins.
 * Rigid globules that merely touch share a handful of atoms; packed, a designed binder lies
 * against its target with several residues in contact, as a real interface has.
 */
function packInterface(assembly: Assembly, start: Pose, random: Random, options: DockOptions): Pose {
  const origin = assembly.center;
  let current = start;
  let best = start;
  for (let step = 0; step < (options.packSteps ?? 0); step++) {
    const center = centroid(current.points);
    const pull = normalize(sub(origin, center));
    const turn = axisRotation(randomUnit(random), random.between(-PACK_ANGLE, PACK_ANGLE));
    const shift = add(scale(randomUnit(random), random.between(0, PACK_SHIFT)), scale(pull, random.between(0, PACK_SHIFT)));
    const points = current.points.map((p) => add(add(rotate(turn, sub(p, center)), center), shift));
    if (assembly.clashes(points)) continue;
    const satisfied = satisfiedTargets(points, options);
    if (satisfied < current.satisfied) continue;
    const contacts = assembly.contacts(points, INTERFACE_CONTACT);
    // A few atoms may be lost per move, so that the body can roll over a ridge into a groove.
    if (contacts < current.contacts - PACK_SLACK && satisfied === current.satisfied) continue;
    const translation = add(add(rotate(turn, sub(current.translation, center)), center), shift);
    current = { rotation: multiply(turn, current.rotation), translation, contacts, satisfied, points };
    if (current.satisfied > best.satisfied || (current.satisfied === best.satisfied && current.contacts > best.contacts)) best = current;
  }
  return best;
}

function randomUnit(random: Random): Vec3 {
  const z = random.between(-1, 1);
  const t = random.between(0, 2 * Math.PI);
  const r = Math.sqrt(1 - z * z);
  return [r * Math.cos(t), r * Math.sin(t), z];
}

export interface PocketOptions {
  /** Receptor atoms the ligand should touch (pocket residues, contact constraints). */
  targets?: Vec3[];
  reach?: number;
  /** A ligand atom (index) that should come near the targets. */
  anchorAtom?: number;
  /** 0–1: 1 takes the best-packed pose, lower values poses with fewer contacts. */
  quality: number;
  /** Probe points to avoid (other ligands' pockets). */
  avoid?: Vec3[];
}

/**
 * Sets a ligand (atoms centred anywhere) into a surface pocket of the assembly: candidate
 * centres are probe points just off the surface, ranked by burial (receptor atoms within 8 Å)
 * or by closeness to the targets; at each, many orientations are slid out along the pocket's
 * normal to the closest clash-free position. Poses touching the receptor with at least four
 * atoms (all, for smaller ligands) are ranked by contacts, and `quality` picks among them.
 */
export function placeLigand(assembly: Assembly, ligand: readonly Vec3[], random: Random, options: PocketOptions): Pose {
  const center = centroid(ligand);
  const needed = Math.min(4, ligand.length);
  const poses: Pose[] = [];
  // Clash-free poses with fewer contacts than wanted: the fallback when nothing better exists.
  let closest: Pose | undefined;
  // A second round of pockets and more orientations when the first finds no pose in contact.
  for (let round = 0; round < 2 && poses.length === 0; round++)
  for (const probe of pocketProbes(assembly, random, options)) {
    const nearby = assembly.positions.length ? localCenter(assembly, probe) : probe;
    const normal = normalize(sub(probe, nearby));
    for (let r = 0; r < (round === 0 ? 24 : 60); r++) {
      const rotation = randomRotation(random.next(), random.next(), random.next());
      const placeAt = (t: number) => applyPose(ligand, center, rotation, add(probe, scale(normal, t)));
      let [inside, outside] = [-3, 12];
      if (assembly.clashes(placeAt(inside))) {
        for (let step = 0; step < 12; step++) {
          const middle = (inside + outside) / 2;
          if (assembly.clashes(placeAt(middle))) inside = middle;
          else outside = middle;
        }
      } else outside = inside;
      const points = placeAt(outside);
      // The pocket's normal can point into a crevice: a pose still clashing at the far end is no pose.
      if (assembly.clashes(points)) continue;
      const contacts = assembly.contacts(points, LIGAND_CONTACT);
      if (contacts < needed) {
        if (!closest || contacts > closest.contacts) closest = { rotation, translation: add(probe, scale(normal, outside)), contacts, satisfied: 0, points };
        continue;
      }
      const reach = options.reach ?? 6;
      let satisfied = 0;
      if (options.targets) {
        const candidates = options.anchorAtom !== undefined ? [points[options.anchorAtom]] : points;
        satisfied = options.targets.filter((t) => candidates.some((p) => distance(p, t) <= reach)).length;
      }
      poses.push({ rotation, translation: add(probe, scale(normal, outside)), contacts, satisfied, points });
    }
    if (poses.length >= 40) break;
  }
  if (poses.length === 0) {
    // Nothing touches well enough: the best-touching pose, else (no receptor) docked as a body.
    return closest ?? dockBody(assembly, ligand, random, { targets: options.targets, reach: options.reach });
  }
  poses.sort((a, b) => b.satisfied - a.satisfied || b.contacts - a.contacts);
  const eligible = poses.filter((p) => p.satisfied === poses[0].satisfied);
  const index = Math.min(eligible.length - 1, Math.floor((1 - options.quality) * 0.6 * eligible.length));
  return eligible[index];
}

function localCenter(assembly: Assembly, probe: Vec3): Vec3 {
  const near: Vec3[] = [];
  assembly.grid.forEachNear(probe, CELL, (i) => {
    near.push(assembly.positions[i]);
  });
  return near.length ? centroid(near) : assembly.center;
}

/** Up to ten pocket centres: off-surface points, most buried (or nearest the targets) first, spread apart. */
function pocketProbes(assembly: Assembly, random: Random, options: PocketOptions): Vec3[] {
  if (assembly.positions.length === 0) return [[0, 0, 0]];
  const seeds = options.targets?.length ? options.targets : assembly.positions;
  const candidates: Array<{ point: Vec3; score: number }> = [];
  const samples = Math.min(800, seeds.length * 6);
  for (let s = 0; s < samples; s++) {
    const atom = seeds[Math.floor(random.next() * seeds.length)];
    const point = add(atom, scale(randomUnit(random), random.between(3.5, 5)));
    if (assembly.nearestDistance(point) < 3.2) continue;
    if (options.avoid?.some((a) => distance(a, point) < 6)) continue;
    let score = assembly.burial(point);
    if (options.targets?.length) score += 50 * options.targets.filter((t) => distance(t, point) <= (options.reach ?? 6) + 2).length;
    candidates.push({ point, score });
  }
  candidates.sort((a, b) => b.score - a.score);
  const chosen: Vec3[] = [];
  for (const { point } of candidates) {
    if (chosen.every((c) => distance(c, point) > 5)) chosen.push(point);
    if (chosen.length === 10) break;
  }
  return chosen.length ? chosen : [add(assembly.center, [assembly.radius, 0, 0])];
}
