import { chiGrid, isStandardAminoAcid, rotamers, sideChain } from './amino-acids.ts';
import { AtomGrid } from './atom-grid.ts';
import type { Vec3 } from './vector.ts';

/**
 * Induced fit at a binder's interface: once a binder chain is packed against its target
 * (./docking.ts), each residue of one side near the other (the binder's, or the target's) tries the rotamers of its side chain (and a
 * grid of χ angles) and takes the one with the most atoms in contact with the target (within 4.5 Å), provided no atom
 * comes closer than 3 Å to any other atom — the partner's, a bystander chain's, its own chain's
 * backbone or the side chains already settled. Side chains that turn towards the partner are what make a
 * rigid-body contact of a few residues an interface of many.
 */
export interface ChainAtoms {
  /** Residue names (CCD codes) and, per residue, atom names and positions (changed in place). */
  residues: Array<{ name: string; atomNames: string[]; positions: Vec3[] }>;
}

const CLASH = 3.0;
const CONTACT = 4.5;
/** A residue whose Cα is this close (Å) to the target may reach it with its side chain. */
const REACH = 10;
const BACKBONE = new Set(['N', 'CA', 'C', 'O', 'OXT', 'CB']);
// Alanine and glycine have nothing to turn; proline's ring is closed on its backbone.
const RIGID = new Set(['ALA', 'GLY', 'PRO']);

/** `target`: the partner's atoms to reach; `bystanders`: other atoms not to clash with. */
export function reachAcross(binder: ChainAtoms, target: readonly Vec3[], bystanders: readonly Vec3[] = []): void {
  const targetGrid = new AtomGrid(REACH, target.length + 16);
  for (const p of target) targetGrid.add(p, 0);
  // Everything that stays put while one side chain turns: the target, the binder's backbone and Cβ.
  // The binder's side chains go in per residue (group = residue index + 1), skipped for their own residue.
  const fixed = new AtomGrid(CLASH + 0.5, target.length + bystanders.length + binder.residues.length * 16 + 16);
  for (const p of target) fixed.add(p, 0);
  for (const p of bystanders) fixed.add(p, 0);
  binder.residues.forEach((residue, r) => residue.atomNames.forEach((name, a) => BACKBONE.has(name) && fixed.add(residue.positions[a], r + 1)));
  const sides = binder.residues.map((residue) => residue.atomNames.flatMap((name, a) => (BACKBONE.has(name) ? [] : [residue.positions[a]])));
  const sideGrid = () => {
    const grid = new AtomGrid(CLASH + 0.5, sides.reduce((n, s) => n + s.length, 16));
    sides.forEach((side, r) => side.forEach((p) => grid.add(p, r + 1)));
    return grid;
  };
  const limits = Float64Array.from([CLASH * CLASH]);
  const contacts = (points: readonly Vec3[]) => points.filter((p) => targetGrid.forEachNear(p, CONTACT, () => true)).length;

  let others = sideGrid();
  binder.residues.forEach((residue, r) => {
    if (RIGID.has(residue.name) || !isStandardAminoAcid(residue.name)) return;
    const at = (name: string) => residue.positions[residue.atomNames.indexOf(name)];
    const backbone = { N: at('N'), CA: at('CA'), C: at('C'), O: at('O') };
    if (!backbone.CA || !targetGrid.forEachNear(backbone.CA, REACH, () => true)) return;
    const free = (points: readonly Vec3[]) => points.every((p) => !fixed.clashes(p, limits, 0, r + 1, r + 1) && !others.clashes(p, limits, 0, r + 1, r + 1));
    let best = sides[r];
    let bestContacts = contacts(best);
    for (const chis of [...rotamers(residue.name), ...chiGrid(residue.name)]) {
      const candidate = sideChain(residue.name, backbone, chis).filter((atom) => atom.name !== 'CB');
      const points = candidate.map((atom) => atom.position);
      const n = contacts(points);
      if (n <= bestContacts || !free(points)) continue;
      // Same atoms, same order (both built from the residue's side-chain table): replace them by name.
      const byName = new Map(candidate.map((atom) => [atom.name, atom.position]));
      if (residue.atomNames.some((name) => !BACKBONE.has(name) && !byName.has(name))) continue;
      [best, bestContacts] = [points, n];
      residue.atomNames.forEach((name, a) => {
        const moved = byName.get(name);
        if (moved && !BACKBONE.has(name)) residue.positions[a] = moved;
      });
    }
    if (best !== sides[r]) {
      sides[r] = best;
      others = sideGrid();
    }
  });
}
