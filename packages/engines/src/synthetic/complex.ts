import { lookupCcd, type Chemistry } from '@boltz/chemistry';
import { glycanResidueOrder } from '../glycan.ts';
import type { CifEntity, PolymerType } from '../mmcif.ts';
import { alphaHelix, nucleicAcidHelix, translate, type PlacedAtom, type Vec3 } from './geometry.ts';

/**
 * The synthetic complex: every chain of every entity copy (spec/API.md §8.1), with residue names
 * as Boltz writes them (3-letter amino acids, A/C/G/U, DA/DC/DG/DT, the CCD code of ligands and
 * modified residues, `LIG` for SMILES ligands) and coordinates from ./geometry.ts. Tokens follow
 * Boltz: one per standard polymer residue, one per heavy atom of ligands and glycans.
 */
export type ChainKind = 'protein' | 'rna' | 'dna' | 'ligand' | 'glycan';

export interface ComplexAtom {
  chainIndex: number;
  residueName: string;
  residueNumber: number;
  group: 'ATOM' | 'HETATM';
  polymer: boolean;
  name: string;
  element: string;
  position: Vec3;
  token: number;
}

export interface ComplexChain {
  id: string;
  entityId: number;
  kind: ChainKind;
  /** Token range [tokenStart, tokenEnd). */
  tokenStart: number;
  tokenEnd: number;
}

export interface Complex {
  entities: CifEntity[];
  chains: ComplexChain[];
  atoms: ComplexAtom[];
  tokenCount: number;
}

const AMINO_ACIDS: Record<string, string> = {
  A: 'ALA', R: 'ARG', N: 'ASN', D: 'ASP', C: 'CYS', Q: 'GLN', E: 'GLU', G: 'GLY', H: 'HIS', I: 'ILE',
  L: 'LEU', K: 'LYS', M: 'MET', F: 'PHE', P: 'PRO', S: 'SER', T: 'THR', W: 'TRP', Y: 'TYR', V: 'VAL',
  U: 'SEC', O: 'PYL',
};

const POLYMER_TYPES: Record<'protein' | 'rna' | 'dna', PolymerType> = {
  protein: 'polypeptide(L)',
  rna: 'polyribonucleotide',
  dna: 'polydeoxyribonucleotide',
};

function residueNames(kind: 'protein' | 'rna' | 'dna', sequence: string, modifications: Array<{ residue_index: number; value: string }>): string[] {
  const names = [...sequence.toUpperCase()].map((letter) => {
    if (kind === 'protein') return AMINO_ACIDS[letter] ?? 'UNK';
    if (kind === 'rna') return letter;
    return letter === 'N' ? 'DN' : `D${letter}`;
  });
  for (const mod of modifications) names[mod.residue_index] = mod.value;
  return names;
}

/** Heavy atoms of a CCD component; a code outside the embedded table becomes one carbon atom. */
function ccdAtoms(code: string): Array<{ name: string; element: string }> {
  return lookupCcd(code)?.atoms ?? [{ name: 'C1', element: 'C' }];
}

/** Planar layout for atoms without coordinates: a Fermat spiral, neighbours ~1.4 Å apart. */
function spiral(count: number): Array<[number, number]> {
  const golden = 137.508 * (Math.PI / 180);
  return Array.from({ length: count }, (_, i) => [1.4 * Math.sqrt(i) * Math.cos(i * golden), 1.4 * Math.sqrt(i) * Math.sin(i * golden)]);
}

function centred(points: Array<[number, number]>): Array<[number, number]> {
  const cx = points.reduce((s, p) => s + p[0], 0) / points.length;
  const cy = points.reduce((s, p) => s + p[1], 0) / points.length;
  return points.map(([x, y]) => [x - cx, y - cy]);
}

interface ResidueDraft {
  name: string;
  hetero: boolean;
  atoms: Array<{ name: string; element: string; position: Vec3 }>;
}

interface ChainDraft {
  id: string;
  entityId: number;
  kind: ChainKind;
  residues: ResidueDraft[];
  /** Ligand-like chains: atoms in a local plane, placed next to the first polymer chain. */
  planar: boolean;
}

function nameByElement(elements: string[]): string[] {
  const counters = new Map<string, number>();
  return elements.map((element) => {
    const n = (counters.get(element) ?? 0) + 1;
    counters.set(element, n);
    return `${element}${n}`;
  });
}

function polymerResidues(kind: 'protein' | 'rna' | 'dna', names: string[], sequence: string): ResidueDraft[] {
  const backbones: PlacedAtom[][] =
    kind === 'protein' ? alphaHelix(names.length) : nucleicAcidHelix(names.length, kind, (i) => 'AGR'.includes(sequence[i]?.toUpperCase()));
  const standard = kind === 'protein' ? new Set(Object.values(AMINO_ACIDS)) : null;
  return names.map((name, i) => ({
    name,
    hetero: standard ? !standard.has(name) : !/^D?[ACGUTN]$/.test(name),
    atoms: backbones[i],
  }));
}

function planarResidue(name: string, atoms: Array<{ name: string; element: string; x: number; y: number }>, offsetX: number): ResidueDraft {
  return { name, hetero: true, atoms: atoms.map((a) => ({ name: a.name, element: a.element, position: [a.x + offsetX, a.y, 0] })) };
}

function entityDrafts(entity: any, entityId: number, chemistry: Chemistry): { entity: CifEntity; chains: ChainDraft[] } {
  const chainIds: string[] = entity.chain_ids;
  const make = (kind: ChainKind, planar: boolean, residues: () => ResidueDraft[]) =>
    chainIds.map((id) => ({ id, entityId, kind, planar, residues: residues() }));
  switch (entity.type) {
    case 'protein':
    case 'rna':
    case 'dna': {
      const kind = entity.type as 'protein' | 'rna' | 'dna';
      const names = residueNames(kind, entity.value, entity.modifications ?? []);
      return {
        entity: { id: entityId, type: 'polymer', description: `${kind} ${chainIds.join(',')}`, polymer: { type: POLYMER_TYPES[kind], residueNames: names }, chainIds },
        chains: make(kind, false, () => polymerResidues(kind, names, entity.value)),
      };
    }
    case 'ligand_ccd': {
      const atoms = ccdAtoms(entity.value);
      const layout = centred(spiral(atoms.length));
      return {
        entity: { id: entityId, type: 'non-polymer', description: entity.value, chainIds },
        chains: make('ligand', true, () => [planarResidue(entity.value, atoms.map((a, i) => ({ ...a, x: layout[i][0], y: layout[i][1] })), 0)]),
      };
    }
    case 'ligand_smiles': {
      const parsed = chemistry.parseSmiles(entity.value);
      const heavy = parsed && parsed.atoms.length > 0 ? parsed.atoms : [{ element: 'C', x: 0, y: 0 }];
      const elements = heavy.map((a) => a.element.toUpperCase());
      const names = nameByElement(elements);
      // RDKit depiction coordinates use ~1.5 units per bond: close to real bond lengths.
      const layout = centred(heavy.map((a) => [a.x, a.y]));
      return {
        entity: { id: entityId, type: 'non-polymer', description: entity.value, chainIds },
        chains: make('ligand', true, () => [planarResidue('LIG', names.map((name, i) => ({ name, element: elements[i], x: layout[i][0], y: layout[i][1] })), 0)]),
      };
    }
    case 'glycan': {
      const ordered = glycanResidueOrder(entity);
      return {
        entity: { id: entityId, type: 'branched', description: ordered.map((r) => r.ccd).join('-'), chainIds },
        chains: make('glycan', true, () =>
          ordered.map((residue, i) => {
            const atoms = ccdAtoms(residue.ccd);
            const layout = centred(spiral(atoms.length));
            // Sugars ~5 Å apart along the chain's local x axis.
            return planarResidue(residue.ccd, atoms.map((a, j) => ({ ...a, x: layout[j][0], y: layout[j][1] })), 5 * i);
          }),
        ),
      };
    }
    default:
      throw new Error(`unknown entity type ${entity.type}`);
  }
}

const POLYMER_SPACING = 20; // Å between helix axes: protein helices and B-form duplexes stay clear.

/**
 * Lays the chains out: polymer helices stand along z in a row along x, centred on z = 0; ligands
 * and glycans sit around the first polymer, their plane tangent to it, ~7 Å plus half their own
 * extent from its axis (the "z offset" of the 2D depiction points away from the axis).
 */
export function buildComplex(input: any, chemistry: Chemistry): Complex {
  const entities: CifEntity[] = [];
  const drafts: ChainDraft[] = [];
  (input.entities as any[]).forEach((entity, index) => {
    const built = entityDrafts(entity, index + 1, chemistry);
    entities.push(built.entity);
    drafts.push(...built.chains);
  });

  const placed = new Map<ChainDraft, (p: Vec3) => Vec3>();
  const polymers = drafts.filter((d) => !d.planar);
  polymers.forEach((draft, column) => {
    const zs = draft.residues.flatMap((r) => r.atoms.map((a) => a.position[2]));
    const midZ = (Math.min(...zs) + Math.max(...zs)) / 2;
    placed.set(draft, (p) => translate(p, [column * POLYMER_SPACING, 0, -midZ]));
  });
  const planars = drafts.filter((d) => d.planar);
  planars.forEach((draft, k) => {
    const xs = draft.residues.flatMap((r) => r.atoms.map((a) => a.position[0]));
    const extent = Math.max(...xs) - Math.min(...xs);
    const radius = 7 + extent / 2;
    const angle = (2 * Math.PI * k) / Math.max(planars.length, 1);
    const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
    // Local (x, y, z) → tangent, axis (z), radial.
    placed.set(draft, ([x, y, z]) => [(radius + z) * dx - x * dy, (radius + z) * dy + x * dx, y + 4 * (k % 3)]);
  });

  const chains: ComplexChain[] = [];
  const atoms: ComplexAtom[] = [];
  let token = 0;
  drafts.forEach((draft, chainIndex) => {
    const place = placed.get(draft)!;
    const tokenStart = token;
    draft.residues.forEach((residue, r) => {
      const perAtom = draft.planar;
      for (const atom of residue.atoms) {
        atoms.push({
          chainIndex,
          residueName: residue.name,
          residueNumber: r + 1,
          group: residue.hetero ? 'HETATM' : 'ATOM',
          polymer: !draft.planar,
          name: atom.name,
          element: atom.element,
          position: place(atom.position),
          token: perAtom ? token++ : token,
        });
      }
      if (!perAtom) token++;
    });
    chains.push({ id: draft.id, entityId: draft.entityId, kind: draft.kind, tokenStart, tokenEnd: token });
  });
  return { entities, chains, atoms, tokenCount: token };
}
