import { lookupCcd, type Chemistry } from '@boltz/chemistry';
import type { CifAtom, CifEntity, PolymerType } from '../mmcif.ts';
import { writeMmcif } from '../mmcif.ts';
import type { Float32Array2D } from '../npz.ts';
import type { PlacedAtom } from './amino-acids.ts';
import { confidence, type ComplexConfidence } from './confidence.ts';
import { Assembly, dockBody, placeLigand } from './docking.ts';
import { reachAcross } from './interface-side-chains.ts';
import { embedMolecule } from './ligand-conformer.ts';
import { canPair, nucleicAcidDuplex, nucleicAcidStrand } from './nucleic-acids.ts';
import { foldProtein, type ResidueAtoms } from './protein-fold.ts';
import { seededRandom, type Random } from './random.ts';
import { centroid, distance, placeAtom, randomRotation, rotate, sub, superposeOnThree, type Vec3 } from './vector.ts';

/**
 * The synthetic complex: a pure, deterministic function from a description of the chains (and
 * optional pocket, contact and binder hints) and a seed to an all-atom mmCIF structure, per-token
 * pLDDT, a PAE matrix and confidence metrics that agree with the geometry. No storage, no I/O:
 * safe to run in a worker thread (./tasks.ts). Used by test-mode structure-and-binding and by the
 * pipelines' test engines (a target plus a designed binder, or a target plus a small molecule).
 *
 * Geometry (see docs/test-mode.md): proteins are folded into compact globules
 * (./protein-fold.ts), nucleic acids built as B-form strands or duplexes (./nucleic-acids.ts),
 * SMILES ligands embedded in 3D (./ligand-conformer.ts) and CCD ligands taken from their ideal
 * coordinates; polymer chains are docked against each other and ligands set into surface pockets
 * (./docking.ts), honouring pocket and contact hints when they can be met. Tokens follow Boltz:
 * one per polymer residue, one per heavy atom of ligands and glycans.
 */
export type PolymerKind = 'protein' | 'rna' | 'dna';

export type EntitySpec =
  | {
      type: PolymerKind;
      chainIds: string[];
      /** One-letter sequence. */
      sequence: string;
      /** 0-based residue index → CCD code of a modified residue. */
      modifications?: Array<{ index: number; ccd: string }>;
      /** Coordinates to use instead of folding (a protein taken from a template), one entry per residue. */
      structure?: ResidueAtoms[];
    }
  | { type: 'ligand'; chainIds: string[]; smiles: string }
  | { type: 'ligand'; chainIds: string[]; ccd: string }
  | {
      type: 'glycan';
      chainIds: string[];
      /** CCD codes in bond-graph order from the reducing end. */
      residues: string[];
      /** Glycosidic bonds: residue `child`'s atom (its anomeric C1) to residue `parent`'s atom. */
      links: Array<{ parent: number; parentAtom: string; child: number; childAtom: string }>;
    };

/** A residue (0-based index on a polymer chain) or a ligand atom (CCD name or SMILES atom-map label). */
export type SiteRef = { chain: string; residue: number } | { chain: string; atom: string };

export interface ComplexSpec {
  entities: EntitySpec[];
  /** `binder` (a ligand or a chain) should sit against these residues. */
  pockets?: Array<{ binder: string; residues: Array<{ chain: string; residue: number }>; maxDistance?: number }>;
  /** Two sites within `maxDistance` Å of each other. */
  contacts?: Array<{ first: SiteRef; second: SiteRef; maxDistance: number }>;
  /** Chains whose binding is scored (binder metrics); the other chains are the target. */
  binders?: string[];
  /** Latent prediction quality in [0, 1]; drawn from the seed when omitted. */
  quality?: number;
}

export interface ChainSummary {
  id: string;
  entityId: number;
  kind: PolymerKind | 'ligand' | 'glycan';
  tokenStart: number;
  tokenEnd: number;
}

export interface SynthesizedComplex {
  /** mmCIF text; B-factors are per-token pLDDT × 100. */
  cif: string;
  chains: ChainSummary[];
  /** Per-token pLDDT in [0, 1]. */
  plddt: Float32Array;
  /** Token × token predicted aligned error (Å). */
  pae: Float32Array2D;
  confidence: ComplexConfidence;
  /** Whether each pocket and contact hint holds in the geometry (pockets first, then contacts). */
  constraintsMet: boolean[];
}

const AMINO_ACIDS: Record<string, string> = {
  A: 'ALA', R: 'ARG', N: 'ASN', D: 'ASP', C: 'CYS', Q: 'GLN', E: 'GLU', G: 'GLY', H: 'HIS', I: 'ILE',
  L: 'LEU', K: 'LYS', M: 'MET', F: 'PHE', P: 'PRO', S: 'SER', T: 'THR', W: 'TRP', Y: 'TYR', V: 'VAL',
};
const POLYMER_TYPES: Record<PolymerKind, PolymerType> = { protein: 'polypeptide(L)', rna: 'polyribonucleotide', dna: 'polydeoxyribonucleotide' };

interface ChainDraft {
  id: string;
  entityId: number;
  kind: ChainSummary['kind'];
  residues: ResidueAtoms[];
  /** Ligand atom-map numbers by atom index (SMILES ligands). */
  atomMaps?: number[];
  /** Indices into `bodies`. */
  body: number;
  /** Residues carry HETATM records (ligands, glycans, modified residues). */
  hetero: (residue: number) => boolean;
}

function residueNames(kind: PolymerKind, sequence: string, modifications: Array<{ index: number; ccd: string }>): string[] {
  const names = [...sequence.toUpperCase()].map((letter) => {
    if (kind === 'protein') return AMINO_ACIDS[letter] ?? 'UNK';
    if (kind === 'rna') return letter;
    return letter === 'N' ? 'DN' : `D${letter}`;
  });
  for (const mod of modifications) names[mod.index] = mod.ccd;
  return names;
}

/** A CCD component's heavy atoms at their ideal coordinates (standard amino acids built from internal coordinates). */
function ccdResidue(code: string, random: Random): ResidueAtoms {
  const component = lookupCcd(code);
  if (!component) throw new Error(`unknown CCD component ${code}`);
  if (component.coordinates) {
    const coordinates = component.coordinates;
    return { name: code, atoms: component.atoms.map((a, i) => ({ name: a.name, element: a.element, position: coordinates[i] })) };
  }
  const letter = Object.entries(AMINO_ACIDS).find(([, name]) => name === code)?.[0] ?? 'G';
  return foldProtein([code], letter, random).residues[0];
}

const idealResidue = (code: string) => {
  const component = lookupCcd(code);
  const coordinates = component?.coordinates;
  return component && coordinates ? component.atoms.map((a, i): PlacedAtom => ({ name: a.name, element: a.element, position: coordinates[i] })) : undefined;
};

/** SMILES ligand: embedded heavy atoms named element + running number (C1, C2, O1, …). */
function smilesResidue(smiles: string, chemistry: Chemistry, random: Random): { residue: ResidueAtoms; atomMaps: number[] } {
  const graph = chemistry.moleculeGraph(smiles);
  if (!graph || graph.atoms.length === 0) throw new Error(`SMILES does not parse: ${smiles}`);
  const positions = embedMolecule(graph, random);
  const counters = new Map<string, number>();
  const atoms = graph.atoms.map((atom, i): PlacedAtom => {
    const element = atom.element.toUpperCase();
    const n = (counters.get(element) ?? 0) + 1;
    counters.set(element, n);
    return { name: `${element}${n}`, element, position: positions[i] };
  });
  return { residue: { name: 'LIG', atoms }, atomMaps: graph.atoms.map((a) => a.atomMap) };
}

/**
 * A glycan: each residue's ideal CCD coordinates, the child's anomeric carbon bonded to the
 * parent's oxygen (1.43 Å, C–O–C 117°) in place of the child's leaving hydroxyl oxygen, the
 * torsion about the new bond chosen so that residues do not clash.
 */
function glycanResidues(entity: Extract<EntitySpec, { type: 'glycan' }>, random: Random): ResidueAtoms[] {
  const residues: Array<ResidueAtoms | undefined> = entity.residues.map(() => undefined);
  residues[0] = ccdResidue(entity.residues[0], random);
  const placed = () => residues.flatMap((r) => r?.atoms.map((a) => a.position) ?? []);
  for (const link of entity.links) {
    const parent = residues[link.parent];
    if (!parent || residues[link.child]) continue;
    const component = lookupCcd(entity.residues[link.child])!;
    const ideal = ccdResidue(entity.residues[link.child], random);
    const index = (name: string) => component.atoms.findIndex((a) => a.name === name);
    const anomeric = index(link.childAtom);
    // The leaving oxygen: a terminal oxygen bonded to the anomeric carbon.
    const degree = (i: number) => component.bonds.filter(([a, b]) => a === i || b === i).length;
    const leaving = component.bonds
      .filter(([a, b]) => a === anomeric || b === anomeric)
      .map(([a, b]) => (a === anomeric ? b : a))
      .find((i) => component.atoms[i].element === 'O' && degree(i) === 1);
    const third = component.bonds.map(([a, b]) => (a === anomeric ? b : b === anomeric ? a : -1)).find((i) => i >= 0 && i !== leaving);
    const oxygen = parent.atoms.find((a) => a.name === link.parentAtom);
    const carbon = parent.atoms.find((a) => a.element === 'C' && oxygen && distance(a.position, oxygen.position) < 1.6);
    const before = parent.atoms.find((a) => carbon && a !== carbon && a !== oxygen && distance(a.position, carbon.position) < 1.65);
    if (anomeric < 0 || leaving === undefined || third === undefined || !oxygen || !carbon || !before) {
      residues[link.child] = ideal;
      continue;
    }
    let best: ResidueAtoms | undefined;
    let bestGap = -Infinity;
    for (let t = 0; t < 12; t++) {
      const c1 = placeAtom(before.position, carbon.position, oxygen.position, 1.43, 117, random.between(-180, 180));
      const c2 = placeAtom(carbon.position, oxygen.position, c1, 1.52, 109.5, random.between(-180, 180));
      const place = superposeOnThree([ideal.atoms[anomeric].position, ideal.atoms[leaving].position, ideal.atoms[third].position], [c1, oxygen.position, c2]);
      const atoms = ideal.atoms.filter((_, i) => i !== leaving).map((a) => ({ ...a, position: place(a.position) }));
      const others = placed();
      const gap = Math.min(...atoms.filter((a) => a.name !== link.childAtom).map((a) => Math.min(...others.map((p) => distance(p, a.position)))));
      if (gap > bestGap) [best, bestGap] = [{ name: ideal.name, atoms }, gap];
      if (gap > 3) break;
    }
    residues[link.child] = best;
  }
  return residues.map((r, i) => r ?? ccdResidue(entity.residues[i], random));
}

export function synthesizeComplex(spec: ComplexSpec, seed: string, chemistry: Chemistry): SynthesizedComplex {
  const random = seededRandom(seed, 'complex');
  const quality = spec.quality ?? 0.35 + 0.6 * random.next() ** 0.7;
  const entities: CifEntity[] = [];
  const drafts: ChainDraft[] = [];
  // Bodies move rigidly: a protein chain, a nucleic-acid strand or duplex, a ligand, a glycan.
  const bodies: Array<{ chains: number[]; polymer: boolean }> = [];
  const newBody = (polymer: boolean) => bodies.push({ chains: [], polymer }) - 1;

  // Nucleic-acid chains that pair up as duplexes: chain id → partner chain id.
  const nucleic = spec.entities.flatMap((e, k) => (e.type === 'rna' || e.type === 'dna' ? e.chainIds.map((id) => ({ id, k, names: residueNames(e.type as PolymerKind, e.sequence, e.modifications ?? []) })) : []));
  const partners = new Map<string, string>();
  for (const a of nucleic) {
    if (partners.has(a.id)) continue;
    const b = nucleic.find((c) => c.id !== a.id && !partners.has(c.id) && canPair(a.names, c.names));
    if (b) [partners.set(a.id, b.id), partners.set(b.id, a.id)];
  }
  const duplexes = new Map<string, ResidueAtoms[]>();

  spec.entities.forEach((entity, k) => {
    const entityId = k + 1;
    const entityRandom = seededRandom(seed, 'entity', String(k));
    switch (entity.type) {
      case 'protein':
      case 'rna':
      case 'dna': {
        const names = residueNames(entity.type, entity.sequence, entity.modifications ?? []);
        entities.push({ id: entityId, type: 'polymer', description: `${entity.type} ${entity.chainIds.join(',')}`, polymer: { type: POLYMER_TYPES[entity.type], residueNames: names }, chainIds: entity.chainIds });
        const standard = (i: number) => (entity.type === 'protein' ? Object.values(AMINO_ACIDS).includes(names[i]) : /^D?[ACGTUN]$/.test(names[i]));
        // Copies of a protein share one fold (a homo-oligomer's chains are alike).
        const folded = entity.type === 'protein' ? (entity.structure ?? foldProtein(names, entity.sequence, entityRandom, { template: idealResidue }).residues) : undefined;
        for (const id of entity.chainIds) {
          let residues: ResidueAtoms[];
          let body: number;
          if (folded) [residues, body] = [folded, newBody(true)];
          else {
            const partner = partners.get(id);
            const rna = entity.type === 'rna';
            if (partner && duplexes.has(id)) {
              residues = duplexes.get(id)!;
              body = drafts.find((d) => d.id === partner)!.body;
            } else if (partner) {
              const other = nucleic.find((c) => c.id === partner)!;
              const [mine, theirs] = nucleicAcidDuplex(names, rna, other.names, spec.entities[other.k].type === 'rna');
              duplexes.set(partner, theirs);
              [residues, body] = [mine, newBody(true)];
            } else [residues, body] = [nucleicAcidStrand(names, rna), newBody(true)];
          }
          drafts.push({ id, entityId, kind: entity.type, residues, body, hetero: (i) => !standard(i) });
          bodies[body].chains.push(drafts.length - 1);
        }
        return;
      }
      case 'ligand': {
        const description = 'smiles' in entity ? entity.smiles : entity.ccd;
        entities.push({ id: entityId, type: 'non-polymer', description, chainIds: entity.chainIds });
        const built = 'smiles' in entity ? smilesResidue(entity.smiles, chemistry, entityRandom) : { residue: ccdResidue(entity.ccd, entityRandom), atomMaps: undefined };
        for (const id of entity.chainIds) {
          drafts.push({ id, entityId, kind: 'ligand', residues: [built.residue], atomMaps: built.atomMaps, body: newBody(false), hetero: () => true });
          bodies[drafts[drafts.length - 1].body].chains.push(drafts.length - 1);
        }
        return;
      }
      case 'glycan': {
        entities.push({ id: entityId, type: 'branched', description: entity.residues.join('-'), chainIds: entity.chainIds });
        const residues = glycanResidues(entity, entityRandom);
        for (const id of entity.chainIds) {
          drafts.push({ id, entityId, kind: 'glycan', residues, body: newBody(false), hetero: () => true });
          bodies[drafts[drafts.length - 1].body].chains.push(drafts.length - 1);
        }
      }
    }
  });

  const placedAtoms = assemble(spec, drafts, bodies, quality, random);
  // Both sides of a binder's interface turn their side chains towards the other (target chains first).
  const isBinder = (c: number) => spec.binders?.includes(drafts[c].id) ?? false;
  if (drafts.some((_, c) => isBinder(c))) {
    const order = drafts.map((_, c) => c).sort((a, b) => Number(isBinder(a)) - Number(isBinder(b)));
    for (const c of order) {
      if (drafts[c].kind !== 'protein') continue;
      const partner = placedAtoms.flatMap((chain, other) => (other !== c && isBinder(other) !== isBinder(c) ? chain.flat() : []));
      const residues = drafts[c].residues.map((residue, r) => ({ name: residue.name, atomNames: residue.atoms.map((a) => a.name), positions: placedAtoms[c][r] }));
      const others = placedAtoms.flatMap((chain, other) => (other !== c && isBinder(other) === isBinder(c) ? chain.flat() : []));
      if (partner.length) reachAcross({ residues }, partner, others);
    }
  }
  return finish(spec, entities, drafts, placedAtoms, quality, seed);
}

/** Where a site is, once placed: a residue's atoms or a ligand atom. */
function siteAtoms(drafts: ChainDraft[], atoms: Vec3[][][], site: SiteRef): Vec3[] {
  const c = drafts.findIndex((d) => d.id === site.chain);
  if (c < 0) return [];
  if ('residue' in site) return atoms[c][site.residue] ?? [];
  const draft = drafts[c];
  const residueAtoms = draft.residues[0].atoms;
  let index = residueAtoms.findIndex((a) => a.name === site.atom.toUpperCase());
  if (draft.atomMaps) {
    const mapped = draft.atomMaps.findIndex((m, i) => m > 0 && `${residueAtoms[i].element}${m}` === site.atom.toUpperCase());
    if (mapped >= 0) index = mapped;
  }
  return index >= 0 ? [atoms[c][0][index]] : [];
}

/** Monte Carlo moves that pack a binder chain against its target (./docking.ts). */
const BINDER_PACK_STEPS = 250;

/**
 * Places every body: polymers docked one after another against those already placed (towards
 * their pocket or contact partners when hinted), then ligands and glycans into pockets. Returns
 * the final coordinates per chain, residue and atom.
 */
function assemble(spec: ComplexSpec, drafts: ChainDraft[], bodies: Array<{ chains: number[]; polymer: boolean }>, quality: number, random: Random): Vec3[][][] {
  const atoms: Vec3[][][] = drafts.map((d) => d.residues.map((r) => r.atoms.map((a) => a.position)));
  const assembly = new Assembly();
  const placed = new Set<number>();
  const bodyPoints = (b: number) => bodies[b].chains.flatMap((c) => atoms[c].flat());
  const setBody = (b: number, points: Vec3[]) => {
    let k = 0;
    for (const c of bodies[b].chains) atoms[c] = atoms[c].map((residue) => residue.map(() => points[k++]));
    assembly.add(points, b, bodies[b].polymer);
    placed.add(b);
  };
  const chainIndex = (id: string) => drafts.findIndex((d) => d.id === id);
  // Hints that involve a body: sites on placed bodies to approach, and its own site to face them.
  const hintsFor = (b: number) => {
    const mine = new Set(bodies[b].chains.map((c) => drafts[c].id));
    const targets: Vec3[] = [];
    let facing: Vec3 | undefined;
    let anchorAtom: number | undefined;
    let reach: number | undefined;
    for (const pocket of spec.pockets ?? []) {
      if (!mine.has(pocket.binder)) continue;
      for (const residue of pocket.residues) {
        const c = chainIndex(residue.chain);
        if (c >= 0 && placed.has(drafts[c].body)) targets.push(centroid(siteAtoms(drafts, atoms, residue)));
      }
      reach = pocket.maxDistance ?? 6;
    }
    for (const contact of spec.contacts ?? []) {
      for (const [own, other] of [[contact.first, contact.second], [contact.second, contact.first]] as const) {
        if (!mine.has(own.chain)) continue;
        const c = chainIndex(other.chain);
        if (c < 0 || !placed.has(drafts[c].body)) continue;
        const otherAtoms = siteAtoms(drafts, atoms, other);
        if (otherAtoms.length) targets.push(centroid(otherAtoms));
        const ownAtoms = siteAtoms(drafts, atoms, own);
        if (ownAtoms.length) facing = centroid(ownAtoms);
        if ('atom' in own) {
          const draft = drafts[chainIndex(own.chain)];
          anchorAtom = atoms[chainIndex(own.chain)][0].indexOf(ownAtoms[0]);
          if (draft.kind !== 'ligand') anchorAtom = undefined;
        }
        reach = contact.maxDistance;
      }
    }
    return { targets, facing, anchorAtom, reach };
  };

  const binders = new Set(spec.binders ?? []);
  const polymers = bodies.map((_, b) => b).filter((b) => bodies[b].polymer);
  const others = bodies.map((_, b) => b).filter((b) => !bodies[b].polymer);
  for (const b of polymers) {
    const points = bodyPoints(b);
    if (assembly.positions.length === 0) {
      const center = centroid(points);
      setBody(b, points.map((p) => sub(p, center)));
      continue;
    }
    const hints = hintsFor(b);
    // A binder chain is packed into a real interface against what is placed (its epitope when hinted).
    const binder = bodies[b].chains.some((c) => drafts[c].kind === 'protein' && binders.has(drafts[c].id));
    const pose = dockBody(assembly, points, random, {
      towards: hints.targets.length ? centroid(hints.targets) : undefined,
      facing: hints.facing,
      targets: hints.targets,
      reach: hints.reach,
      ...(binder ? { packSteps: BINDER_PACK_STEPS } : {}),
    });
    setBody(b, pose.points);
  }
  const pockets: Vec3[] = [];
  for (const b of others) {
    const points = bodyPoints(b);
    const hints = hintsFor(b);
    const pose =
      assembly.positions.length === 0
        ? { points: points.map((p) => rotate(randomRotation(0.5, 0.5, 0.5), sub(p, centroid(points)))) }
        : placeLigand(assembly, points, random, { targets: hints.targets.length ? hints.targets : undefined, reach: hints.reach, anchorAtom: hints.anchorAtom, quality, avoid: pockets });
    pockets.push(centroid(pose.points));
    setBody(b, pose.points);
  }
  return atoms;
}

function finish(spec: ComplexSpec, entities: CifEntity[], drafts: ChainDraft[], atoms: Vec3[][][], quality: number, seed: string): SynthesizedComplex {
  // Tokens: one per polymer residue, one per ligand or glycan heavy atom.
  const chains: ChainSummary[] = [];
  const tokenAtoms: number[][] = [];
  const cifAtoms: Omit<CifAtom, 'bFactor'>[] = [];
  const atomToken: number[] = [];
  let token = 0;
  drafts.forEach((draft, c) => {
    const tokenStart = token;
    const polymer = draft.kind === 'protein' || draft.kind === 'rna' || draft.kind === 'dna';
    draft.residues.forEach((residue, r) => {
      if (polymer) tokenAtoms.push([]);
      residue.atoms.forEach((atom, a) => {
        if (!polymer) tokenAtoms.push([]);
        const t = polymer ? token : token++;
        tokenAtoms[tokenAtoms.length - 1].push(cifAtoms.length);
        atomToken.push(t);
        const [x, y, z] = atoms[c][r][a];
        cifAtoms.push({
          group: draft.hetero(r) ? 'HETATM' : 'ATOM',
          element: atom.element,
          atomName: atom.name,
          residueName: residue.name,
          chainId: draft.id,
          entityId: draft.entityId,
          residueNumber: r + 1,
          polymer,
          x,
          y,
          z,
        });
      });
      if (polymer) token++;
    });
    chains.push({ id: draft.id, entityId: draft.entityId, kind: draft.kind, tokenStart, tokenEnd: token });
  });
  const positions = cifAtoms.map((a): Vec3 => [a.x, a.y, a.z]);
  const result = confidence({ chains, tokenAtoms, positions, atomNames: cifAtoms.map((a) => a.atomName), binders: spec.binders ?? [], quality, random: seededRandom(seed, 'confidence') });
  const constraintsMet = [
    ...(spec.pockets ?? []).map((pocket) => {
      const binder = drafts.findIndex((d) => d.id === pocket.binder);
      const binderAtoms = binder >= 0 ? atoms[binder].flat() : [];
      return pocket.residues.some((residue) => siteAtoms(drafts, atoms, residue).some((p) => binderAtoms.some((q) => distance(p, q) <= (pocket.maxDistance ?? 6))));
    }),
    ...(spec.contacts ?? []).map((contact) => {
      const [a, b] = [siteAtoms(drafts, atoms, contact.first), siteAtoms(drafts, atoms, contact.second)];
      return a.some((p) => b.some((q) => distance(p, q) <= contact.maxDistance));
    }),
  ];
  const cif = writeMmcif(
    'synthetic_prediction',
    entities,
    cifAtoms.map((a, i) => ({ ...a, bFactor: result.plddt[atomToken[i]] * 100 })),
  );
  return { cif, chains, plddt: result.plddt, pae: result.pae, confidence: result, constraintsMet };
}
