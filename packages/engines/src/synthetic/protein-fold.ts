import { betaCarbon, chiGrid, isStandardAminoAcid, rotamers, sideChain, type Backbone, type PlacedAtom } from './amino-acids.ts';
import { AtomGrid } from './atom-grid.ts';
import type { Random } from './random.ts';
import { assignSecondaryStructure, type SecondaryStructure } from './secondary-structure.ts';
import {
  add,
  axisRotation,
  centroid,
  dihedral,
  distance,
  normalize,
  placeAtom,
  randomRotation,
  rotate,
  scale,
  sub,
  superposeOnThree,
  type Vec3,
} from './vector.ts';

/**
 * A compact all-atom protein chain from its sequence. Every bond length and angle is ideal and
 * consecutive residues are joined by ideal peptide bonds: the chain is built from backbone
 * torsions (natural extension reference frame), never by moving atoms after the fact.
 *
 * 1. Secondary structure from the sequence (./secondary-structure.ts); helices and strands get
 *    ideal (φ, ψ), loop residues torsions from the populated regions of the Ramachandran plot.
 * 2. The first element is placed at the centre, with the N-terminal residues grown from a free
 *    start and carried onto it. Every later element is grown with the loop before it (the last
 *    one with the C-terminal residues after it): of many random loop conformations, the ones
 *    that pack the element best (many Cα neighbours within 10 Å, close to the centre, its end
 *    left exposed for what follows) are tried first, and the first that clashes with nothing
 *    already placed wins. Clashes are judged on backbone atoms, Cβ and a pseudo-atom standing
 *    for the rest of the side chain, so that side chains fit later. When nothing fits, the
 *    previous element is grown anew (backtracking).
 * 3. Side chains are packed last, in sequence order: for each residue the most frequent rotamer
 *    (amino-acids.ts) that clashes with nothing placed so far.
 *
 * Physically naive — no energy, no hydrophobic core, no hydrogen-bonded sheets — but with the
 * shape statistics of a folded protein: a radius of gyration within about 10–25 % of real
 * proteins of the same length (2.2·N^0.38 Å), no steric clashes, every heavy atom.
 */
export interface ResidueAtoms {
  name: string;
  atoms: PlacedAtom[];
}

export interface FoldedChain {
  residues: ResidueAtoms[];
  secondary: SecondaryStructure[];
}

/** Ideal coordinates of a non-standard (modified) residue, from the CCD, by residue name. */
export type ResidueTemplate = (name: string) => PlacedAtom[] | undefined;

export interface FoldOptions {
  template?: ResidueTemplate;
}

interface Frame {
  N: Vec3;
  CA: Vec3;
  C: Vec3;
}

const BOND = { NCA: 1.458, CAC: 1.525, CN: 1.329, CO: 1.231, COXT: 1.25 };
const ANGLE = { NCAC: 111.2, CACN: 116.2, CNCA: 121.7, CACO: 120.8, CACOXT: 117.0 };
const IDEAL: Record<'H' | 'E', [phi: number, psi: number]> = { H: [-60, -45], E: [-120, 130] };

// Ramachandran basins for loop residues: [φ, ψ, weight]; αL mostly for Gly, Asn, Asp.
type Basins = Array<[phi: number, psi: number, weight: number]>;
const LOOP_BASINS: Basins = [[-65, -40, 0.35], [-120, 130, 0.25], [-70, 145, 0.33], [60, 45, 0.07]];
const TURN_FORMER_BASINS: Basins = [[-65, -40, 0.3], [-120, 130, 0.2], [-70, 145, 0.25], [60, 45, 0.25]];
const GLYCINE_BASINS: Basins = [[-65, -40, 0.2], [-120, 130, 0.2], [80, 10, 0.25], [80, -170, 0.15], [-80, 170, 0.2]];
const PROLINE_BASINS: Basins = [[-65, -35, 0.45], [-65, 145, 0.55]];
// Before a proline, ψ stays extended: an α conformation would put the ring against the chain.
const PRE_PROLINE_BASINS: Basins = [[-120, 130, 0.5], [-70, 145, 0.5]];
const BASIN_SPREAD = 15;

/**
 * Layout atoms: backbone (N, CA, C), Cβ, and a pseudo-atom for the bulk of the side chain
 * (grid group = 4·residue + kind). Minimum distances (Å) between kinds of residues that are not
 * neighbours in the chain: backbone atoms may hydrogen-bond (O···N ≈ 2.9 Å); the bulk keeps
 * backbones out of where side chains will go, but bulks and Cβ of different residues may come
 * close (side chains interdigitate when packed).
 */
const [BACKBONE, BETA, BULK, CARBONYL] = [0, 1, 2, 3] as const;
type LayoutKind = typeof BACKBONE | typeof BETA | typeof BULK | typeof CARBONYL;
// Columns: against BACKBONE, BETA, BULK, CARBONYL. Carbonyl O accepts hydrogen-bond distances to N.
const LAYOUT_LIMITS: Record<LayoutKind, Float64Array> = {
  [BACKBONE]: Float64Array.from([2.9, 3.0, 3.4, 2.6], (d) => d * d),
  [BETA]: Float64Array.from([3.0, 3.2, 2.2, 2.8], (d) => d * d),
  [BULK]: Float64Array.from([3.4, 2.2, 2.0, 3.0], (d) => d * d),
  [CARBONYL]: Float64Array.from([2.6, 2.8, 3.0, 2.8], (d) => d * d),
};
const LAYOUT_CELL = 3.6;
const CARBONYL_CLEARANCE = 2.75;
const SIDE_CHAIN_CLASH = 3.0;
const SIDE_CHAIN_LIMITS = Float64Array.from([SIDE_CHAIN_CLASH ** 2]);
const REPACK_ROUNDS = 2;

/**
 * Loop conformations tried per element (more for small proteins, where each element weighs more
 * in the radius of gyration and trials are cheap), and the weights of the packing score.
 */
const elementCandidates = (residues: number) => Math.round(Math.min(300, Math.max(80, 60_000 / residues)));
const CONTACT_RADIUS = 10;
const CENTER_WEIGHT = 3;
const EXPOSURE_WEIGHT = 2;
const TAIL_TRIALS = 60;
const TAIL_UNIT = 6;
const MAX_BACKTRACKS = 200;
const RELAXED_LIMITS = 0.9;

const FIRST: Frame = {
  N: [0, 0, 0],
  CA: [BOND.NCA, 0, 0],
  C: [BOND.NCA - BOND.CAC * Math.cos(ANGLE.NCAC * (Math.PI / 180)), BOND.CAC * Math.sin(ANGLE.NCAC * (Math.PI / 180)), 0],
};

function nextFrame(prev: Frame, psiPrev: number, phi: number): Frame {
  const N = placeAtom(prev.N, prev.CA, prev.C, BOND.CN, ANGLE.CACN, psiPrev);
  const CA = placeAtom(prev.CA, prev.C, N, BOND.NCA, ANGLE.CNCA, 180);
  const C = placeAtom(prev.C, N, CA, BOND.CAC, ANGLE.NCAC, phi);
  return { N, CA, C };
}

function pickBasin(basins: Basins, random: Random): [number, number] {
  let r = random.next() * basins.reduce((s, b) => s + b[2], 0);
  for (const [phi, psi, weight] of basins) {
    r -= weight;
    if (r <= 0) return [phi + random.between(-BASIN_SPREAD, BASIN_SPREAD), psi + random.between(-BASIN_SPREAD, BASIN_SPREAD)];
  }
  return [basins[0][0], basins[0][1]];
}

/** (φ, ψ) of a loop residue; proline's φ is fixed by its ring. */
function loopTorsions(residue: string, random: Random, next?: string): [number, number] {
  if (next === 'PRO' && residue !== 'PRO') return pickBasin(PRE_PROLINE_BASINS, random);
  if (residue === 'GLY') return pickBasin(GLYCINE_BASINS, random);
  if (residue === 'PRO') return pickBasin(PROLINE_BASINS, random);
  return pickBasin(residue === 'ASN' || residue === 'ASP' ? TURN_FORMER_BASINS : LOOP_BASINS, random);
}

/** Pseudo-atom for the bulk of a side chain beyond Cβ, further out for long side chains. */
const SMALL_SIDE_CHAINS = new Set(['ALA', 'SER', 'CYS', 'THR', 'VAL', 'PRO', 'ASN', 'ASP']);
function sideChainBulk(residue: string, frame: Frame, beta: Vec3): Vec3 {
  const reach = SMALL_SIDE_CHAINS.has(residue) ? 0.9 : 1.6;
  return add(beta, scale(normalize(sub(beta, frame.CA)), reach));
}

interface Element {
  type: 'H' | 'E';
  start: number;
  end: number;
}

function elementsOf(secondary: SecondaryStructure[]): Element[] {
  const elements: Element[] = [];
  secondary.forEach((type, i) => {
    if (type === 'L') return;
    const last = elements[elements.length - 1];
    if (last && last.type === type && last.end === i) last.end = i + 1;
    else elements.push({ type, start: i, end: i + 1 });
  });
  return elements;
}

/** Ideal element backbone, its first N at the origin. */
function idealElement(type: 'H' | 'E', length: number): Frame[] {
  const [phi, psi] = IDEAL[type];
  const frames = [FIRST];
  for (let i = 1; i < length; i++) frames.push(nextFrame(frames[i - 1], psi, phi));
  return frames;
}

const backboneGroup = (residue: number) => 4 * residue;
const sideGroup = (residue: number) => 4 * residue + 1;

/**
 * Layouts can paint themselves into a corner (the growing end buried): after MAX_BACKTRACKS the
 * fold starts over with the random stream where it is, and the last attempts accept closer
 * approaches between layout atoms (RELAXED), so that (almost) every sequence folds.
 */
const ATTEMPTS = [1, 1, RELAXED_LIMITS, RELAXED_LIMITS * RELAXED_LIMITS];

export function foldProtein(residueNames: readonly string[], sequence: string, random: Random, options: FoldOptions = {}): FoldedChain {
  for (const scale of ATTEMPTS) {
    try {
      return new ProteinFolder(residueNames, sequence, random, options, scale).fold();
    } catch (error) {
      if (!(error instanceof LayoutFailure)) throw error;
    }
  }
  // Rarer than one chain in a thousand: a single straight strand, which cannot clash with itself,
  // rather than a failed job.
  return new ProteinFolder(residueNames, sequence, random, options, 1).extended();
}

class LayoutFailure extends Error {}

class ProteinFolder {
  private readonly n: number;
  private readonly secondary: SecondaryStructure[];
  private readonly elements: Element[];
  private readonly frames: Frame[];
  private readonly layout: AtomGrid;
  /** Cα atoms of the elements (and loops) laid out so far, for packing scores. */
  private readonly contacts: AtomGrid;
  private backtracks = 0;

  constructor(
    private readonly names: readonly string[],
    sequence: string,
    private readonly random: Random,
    private readonly options: FoldOptions,
    private readonly limitScale: number,
  ) {
    this.n = names.length;
    this.secondary = assignSecondaryStructure(sequence);
    this.elements = elementsOf(this.secondary);
    this.frames = new Array(this.n);
    this.layout = new AtomGrid(LAYOUT_CELL, this.n * 5 + 16);
    this.contacts = new AtomGrid(CONTACT_RADIUS, this.n + 16);
  }

  /** Every residue in one ideal strand. */
  extended(): FoldedChain {
    idealElement('E', this.n).forEach((frame, i) => (this.frames[i] = frame));
    return { residues: this.atoms(), secondary: this.secondary };
  }

  fold(): FoldedChain {
    if (this.elements.length === 0) this.growTail(0, undefined);
    else {
      this.layOutElements();
      // The last element brought its first TAIL_UNIT C-terminal residues (a single element none):
      // the rest grow on, a unit at a time.
      const last = this.elements[this.elements.length - 1].end;
      const grown = this.elements.length === 1 ? last : Math.min(this.n, last + TAIL_UNIT);
      if (grown < this.n) this.growTail(grown, this.frames[grown - 1]);
    }
    return { residues: this.atoms(), secondary: this.secondary };
  }

  // ── Layout ───────────────────────────────────────────────────────────────────────────

  /**
   * True when a layout atom of residue i and kind `kind` would clash with residues other than
   * i − 2 … i + 2 (whose distances the torsions already fix).
   */
  private layoutClash(position: Vec3, kind: LayoutKind, i: number): boolean {
    const limits = this.limitScale === 1 ? LAYOUT_LIMITS[kind] : LAYOUT_LIMITS[kind].map((d2) => d2 * this.limitScale * this.limitScale);
    return this.layout.clashes(position, limits, 3, 4 * (i - 2), 4 * (i + 2) + 3);
  }

  /** Checks residues [start, end) against the layout and adds them; on a clash adds nothing. */
  private commit(start: number, end: number, frames: readonly Frame[]): boolean {
    const mark = this.layout.size;
    for (let i = start; i < end; i++) {
      const frame = frames[i - start];
      let ok = !this.layoutClash(frame.N, BACKBONE, i) && !this.layoutClash(frame.CA, BACKBONE, i) && !this.layoutClash(frame.C, BACKBONE, i);
      let beta: Vec3 | undefined;
      let bulk: Vec3 | undefined;
      if (ok && this.names[i] !== 'GLY') {
        beta = betaCarbon(this.names[i], { ...frame, O: frame.C });
        bulk = sideChainBulk(this.names[i], frame, beta);
        ok = !this.layoutClash(beta, BETA, i) && !this.layoutClash(bulk, BULK, i);
      }
      // The previous residue's carbonyl O (its position needs this residue's N): clear of
      // everything but its neighbours, and of this residue's C and Cβ (five bonds away).
      const previous = i === start ? this.frames[i - 1] : frames[i - start - 1];
      let oxygen: Vec3 | undefined;
      if (ok && previous && i > 0) {
        oxygen = placeAtom(previous.N, previous.CA, previous.C, BOND.CO, ANGLE.CACO, dihedral(previous.N, previous.CA, previous.C, frame.N) + 180);
        ok = !this.layoutClash(oxygen, CARBONYL, i - 1) && distance(oxygen, frame.C) >= CARBONYL_CLEARANCE && (!beta || distance(oxygen, beta) >= CARBONYL_CLEARANCE);
      }
      if (!ok) {
        this.layout.truncate(mark);
        return false;
      }
      if (oxygen) this.layout.add(oxygen, 4 * (i - 1) + CARBONYL);
      for (const atom of [frame.N, frame.CA, frame.C]) this.layout.add(atom, 4 * i + BACKBONE);
      if (beta && bulk) {
        this.layout.add(beta, 4 * i + BETA);
        this.layout.add(bulk, 4 * i + BULK);
      }
    }
    for (let i = start; i < end; i++) this.frames[i] = frames[i - start];
    return true;
  }

  private layOutElements(): void {
    const marks: Array<[layout: number, contacts: number]> = [];
    let k = 0;
    while (k < this.elements.length) {
      marks[k] = [this.layout.size, this.contacts.size];
      if (this.placeElement(k)) {
        if (k === 0) this.growNTerminus();
        k++;
        continue;
      }
      if (k === 0 || this.backtracks >= MAX_BACKTRACKS) throw new LayoutFailure(`cannot lay out residues ${this.elements[k].start}–${this.elements[k].end - 1} without clashes`);
      // Nothing fits after element k − 1: grow it (and its loop) anew.
      this.backtracks++;
      k--;
      this.layout.truncate(marks[k][0]);
      this.contacts.truncate(marks[k][1]);
    }
  }

  /** Element k with the loop before it (and, for the last, the residues after it); false when nothing fits. */
  private placeElement(k: number): boolean {
    const element = this.elements[k];
    if (k === 0) {
      // The first element, centred on the origin in a random orientation.
      const ideal = idealElement(element.type, element.end - element.start);
      const turn = randomRotation(this.random.next(), this.random.next(), this.random.next());
      const shift = scale(centroid(ideal.map((f) => rotate(turn, f.CA))), -1);
      const frames = ideal.map((f) => mapFrame(f, (p) => add(rotate(turn, p), shift)));
      return this.commit(element.start, element.end, frames) && this.accept(frames);
    }
    const previous = this.elements[k - 1];
    const anchor = this.frames[previous.end - 1];
    const end = k === this.elements.length - 1 ? Math.min(this.n, element.end + TAIL_UNIT) : element.end;
    const candidates: Array<{ frames: Frame[]; score: number }> = [];
    for (let c = 0, count = elementCandidates(this.n); c < count; c++) {
      const frames: Frame[] = [];
      let frame = anchor;
      let psi = IDEAL[previous.type][1];
      for (let i = previous.end; i < end; i++) {
        const inElement = i >= element.start && i < element.end;
        const [phi, nextPsi] = inElement ? IDEAL[element.type] : loopTorsions(this.names[i], this.random, this.names[i + 1]);
        frame = nextFrame(frame, psi, phi);
        frames.push(frame);
        psi = nextPsi;
      }
      candidates.push({ frames, score: this.packingScore(frames.slice(element.start - previous.end)) });
    }
    candidates.sort((x, y) => x.score - y.score);
    for (const { frames } of candidates) if (this.commit(previous.end, end, frames)) return this.accept(frames);
    return false;
  }

  private accept(frames: readonly Frame[]): true {
    for (const f of frames) this.contacts.add(f.CA, 0);
    return true;
  }

  /** Lower is better: Cα neighbours within 10 Å (packing), distance from the centre, and a buried end. */
  private packingScore(frames: readonly Frame[]): number {
    let contacts = 0;
    let spread = 0;
    for (const f of frames) {
      contacts += this.contacts.countNear(f.CA, CONTACT_RADIUS);
      spread += Math.hypot(...f.CA);
    }
    const endContacts = this.contacts.countNear(frames[frames.length - 1].CA, CONTACT_RADIUS);
    return -contacts + (CENTER_WEIGHT * spread) / frames.length + EXPOSURE_WEIGHT * endContacts + this.random.between(0, 0.5);
  }

  // ── Termini ──────────────────────────────────────────────────────────────────────────

  /**
   * Residues before the first element: grown from a free start and carried rigidly onto the
   * element's first residue (both ends of the superposition are ideal frames, so it is exact).
   */
  private growNTerminus(): void {
    const first = this.elements[0].start;
    if (first === 0) return;
    const target = this.frames[first];
    let best: { frames: Frame[]; score: number } | undefined;
    for (let t = 0; t < TAIL_TRIALS; t++) {
      const frames = [FIRST];
      let psi = loopTorsions(this.names[0], this.random, this.names[1])[1];
      for (let i = 1; i <= first; i++) {
        const [phi, nextPsi] = i === first ? IDEAL[this.elements[0].type] : loopTorsions(this.names[i], this.random, this.names[i + 1]);
        frames.push(nextFrame(frames[i - 1], psi, this.names[i] === 'PRO' ? -65 : phi));
        psi = nextPsi;
      }
      const end = frames[first];
      const place = superposeOnThree([end.CA, end.N, end.C], [target.CA, target.N, target.C]);
      const placed = frames.slice(0, first).map((f) => mapFrame(f, place));
      const mark = this.layout.size;
      if (!this.commit(0, first, placed)) continue;
      this.layout.truncate(mark);
      const score = placed.reduce((s, f) => s + Math.hypot(...f.CA), 0);
      if (!best || score < best.score) best = { frames: placed, score };
    }
    if (!best || !this.commit(0, first, best.frames)) throw new LayoutFailure('cannot place the N-terminal residues without clashes');
  }

  /** Residues from `start` to the end, grown forward from `after` (the residue before), most compact clash-free trial per unit. */
  private growTail(start: number, after: Frame | undefined): void {
    let previous = after;
    let previousPsi = start > 0 && this.secondary[start - 1] !== 'L' ? IDEAL[this.secondary[start - 1] as 'H' | 'E'][1] : loopTorsions(this.names[Math.max(0, start - 1)], this.random, this.names[start])[1];
    for (let unitStart = start; unitStart < this.n; unitStart += TAIL_UNIT) {
      const unitEnd = Math.min(this.n, unitStart + TAIL_UNIT);
      let best: { frames: Frame[]; score: number; psi: number } | undefined;
      // The first pass keeps the ψ the residue before the unit already has; when no trial fits
      // (a short unit right after an element can be boxed in by that ψ alone), the second pass
      // samples it too — its carbonyl O is only placed with this unit, so it is still free.
      for (let t = 0; t < 2 * TAIL_TRIALS && !(best && t >= TAIL_TRIALS); t++) {
        const frames: Frame[] = [];
        let frame = previous;
        let psi = t < TAIL_TRIALS ? previousPsi : loopTorsions(this.names[Math.max(0, unitStart - 1)], this.random, this.names[unitStart])[1];
        for (let i = unitStart; i < unitEnd; i++) {
          const [phi, nextPsi] = loopTorsions(this.names[i], this.random, this.names[i + 1]);
          frame = frame ? nextFrame(frame, psi, this.names[i] === 'PRO' ? -65 : phi) : FIRST;
          frames.push(frame);
          psi = nextPsi;
        }
        const mark = this.layout.size;
        if (!this.commit(unitStart, unitEnd, frames)) continue;
        this.layout.truncate(mark);
        const score = frames.reduce((s, f) => s + Math.hypot(...f.CA), 0);
        if (!best || score < best.score) best = { frames, score, psi };
      }
      if (!best || !this.commit(unitStart, unitEnd, best.frames)) throw new LayoutFailure(`cannot grow residue ${unitStart} without clashes`);
      previous = best.frames[best.frames.length - 1];
      previousPsi = best.psi;
    }
  }

  // ── Full atoms ───────────────────────────────────────────────────────────────────────

  private atoms(): ResidueAtoms[] {
    const n = this.n;
    const backbones: Backbone[] = this.frames.map((f, i) => {
      const psi = i + 1 < n ? dihedral(f.N, f.CA, f.C, this.frames[i + 1].N) : IDEAL.E[1];
      return { ...f, O: placeAtom(f.N, f.CA, f.C, BOND.CO, ANGLE.CACO, psi + 180) };
    });
    // Side chains are packed against the final backbone (the layout's pseudo-atoms are gone).
    const grid = new AtomGrid(3.2, n * 10 + 16);
    backbones.forEach((b, i) => {
      for (const atom of [b.N, b.CA, b.C, b.O]) grid.add(atom, backboneGroup(i));
      if (this.names[i] !== 'GLY') grid.add(betaCarbon(this.names[i], b), backboneGroup(i));
    });
    const sides = backbones.map((b, i) => this.packSideChain(i, b, grid));
    // Side chains packed early could not see later ones: those that clash are packed again,
    // against everything else, for a few rounds.
    for (let round = 0; round < REPACK_ROUNDS; round++) {
      const full = new AtomGrid(3.2, n * 10 + 16);
      backbones.forEach((b, i) => {
        for (const atom of [b.N, b.CA, b.C, b.O]) full.add(atom, backboneGroup(i));
        if (this.names[i] !== 'GLY') full.add(betaCarbon(this.names[i], b), backboneGroup(i));
        for (const atom of sides[i]) if (atom.name !== 'CB') full.add(atom.position, sideGroup(i));
      });
      const clashing = sides.flatMap((side, i) => (this.sideChainClashes(i, side, full, Infinity) > 0 ? [i] : []));
      if (clashing.length === 0) break;
      for (const i of clashing) sides[i] = this.packSideChain(i, backbones[i], full);
    }
    const last = backbones[n - 1];
    const oxt = placeAtom(last.N, last.CA, last.C, BOND.COXT, ANGLE.CACOXT, IDEAL.E[1]);
    const shift = scale(centroid(backbones.map((b) => b.CA)), -1);
    return this.names.map((name, i) => {
      const b = backbones[i];
      const atoms: PlacedAtom[] = [
        { name: 'N', element: 'N', position: b.N },
        { name: 'CA', element: 'C', position: b.CA },
        { name: 'C', element: 'C', position: b.C },
        { name: 'O', element: 'O', position: b.O },
        ...sides[i],
      ];
      if (i === n - 1) atoms.push({ name: 'OXT', element: 'O', position: oxt });
      return { name, atoms: atoms.map((a) => ({ ...a, position: add(a.position, shift) })) };
    });
  }

  /** Side-chain atoms (beyond Cβ) of residue i that clash with other residues' atoms in `grid`, counted up to `limit`. */
  private sideChainClashes(i: number, side: readonly PlacedAtom[], grid: AtomGrid, limit: number): number {
    // A proline's ring closes on its own N, bonded to the previous residue's C: skip that residue too.
    const skipFrom = this.names[i] === 'PRO' ? backboneGroup(i - 1) : backboneGroup(i);
    let clashes = 0;
    for (const atom of side) {
      if (atom.name !== 'CB' && grid.clashes(atom.position, SIDE_CHAIN_LIMITS, 0, skipFrom, sideGroup(i)) && ++clashes >= limit) break;
    }
    return clashes;
  }

  private packSideChain(i: number, backbone: Backbone, grid: AtomGrid): PlacedAtom[] {
    const name = this.names[i];
    const clashCount = (candidate: PlacedAtom[], limit: number) => this.sideChainClashes(i, candidate, grid, limit);
    let best: PlacedAtom[] = [];
    let fewest = Infinity;
    const consider = (candidate: PlacedAtom[]) => {
      const clashes = clashCount(candidate, fewest);
      if (clashes < fewest) [best, fewest] = [candidate, clashes];
      return clashes === 0;
    };
    if (isStandardAminoAcid(name)) {
      // The library's rotamers first, then (rarely needed) a systematic scan of χ angles.
      const found =
        rotamers(name).some((chis) => consider(sideChain(name, backbone, chis.map((chi) => chi + this.random.between(-8, 8))))) ||
        chiGrid(name).some((chis) => consider(sideChain(name, backbone, chis)));
      if (!found && fewest === Infinity) best = sideChain(name, backbone, rotamers(name)[0] ?? []);
    } else templateSideChains(name, backbone, this.options.template).some(consider);
    for (const atom of best) if (atom.name !== 'CB') grid.add(atom.position, sideGroup(i));
    return best;
  }
}

function mapFrame(frame: Frame, map: (p: Vec3) => Vec3): Frame {
  return { N: map(frame.N), CA: map(frame.CA), C: map(frame.C) };
}

const BACKBONE_NAMES = new Set(['N', 'CA', 'C', 'O', 'OXT']);

/**
 * Side chains of a modified residue: its ideal CCD coordinates superposed on the placed CA, N
 * and C, in twelve orientations about the CA–CB bond (so that one of them fits).
 */
function templateSideChains(name: string, backbone: Backbone, template: ResidueTemplate | undefined): PlacedAtom[][] {
  const ideal = template?.(name);
  const find = (atom: string) => ideal?.find((a) => a.name === atom)?.position;
  const [n, ca, c] = [find('N'), find('CA'), find('C')];
  if (!ideal || !n || !ca || !c) return [[{ name: 'CB', element: 'C', position: betaCarbon(name, backbone) }]];
  const place = superposeOnThree([ca, n, c], [backbone.CA, backbone.N, backbone.C]);
  const side = ideal.filter((a) => !BACKBONE_NAMES.has(a.name)).map((a) => ({ ...a, position: place(a.position) }));
  const pivot = side.find((a) => a.name === 'CB')?.position;
  if (!pivot) return [side];
  const axis = sub(pivot, backbone.CA);
  return Array.from({ length: 12 }, (_, k) => {
    const turn = axisRotation(axis, 30 * k);
    return side.map((a) => ({ ...a, position: add(rotate(turn, sub(a.position, pivot)), pivot) }));
  });
}
