import type { InputFile } from '../engine.ts';
import type { JobInput } from '../job-types.ts';
import { type CifChain, proteinSequenceOf } from '../read-mmcif.ts';
import { type ChainKind, DEFAULT_FILTERS, HYDROPHOBIC, NO_FILTERS, type PlanErrors, type SequenceFilters, Templates, filtersFrom } from './design-plan.ts';
import { AMINO_ACIDS } from './sequence-dsl.ts';

/**
 * A protein sequence redesign request (spec/API.md §10, PIPELINE-ENGINES.md §4.3) against its
 * uploaded structure: every chain of the CIF with its role and the residues to redesign, grouped
 * in regions (one per design motif) that each carry their filters. Building the plan validates
 * what the schema cannot: chains exist and are assigned exactly once, residues exist and are
 * redesigned once, and the filters leave at least `num_proteins` distinct sequences.
 */
type Input = JobInput<'protein_sequence_redesign'>;

export interface RedesignRegion {
  /** 0-based residues of the chain, ascending. */
  residues: number[];
  filters: SequenceFilters;
}

export interface RedesignChain {
  id: string;
  type: Extract<ChainKind, 'protein' | 'rna' | 'dna' | 'ligand_ccd'>;
  /** Polymers: the residues as one-letter codes; ligands: ''. */
  sequence: string;
  /** Ligands: the CCD code of the chain's (first) residue. */
  value?: string;
  role?: 'target' | 'binder';
  regions: RedesignRegion[];
}

export interface RedesignPlan {
  shape: 'binder' | 'generic';
  chains: RedesignChain[];
}

/**
 * The letters a region's residues may take. A hydrophobic cap f over n residues is met by
 * construction: ⌊f·n⌋ of them (`hydrophobicSlots`) may take any allowed letter, the rest only
 * polar ones — so every sequence drawn from these alphabets passes, and the number of distinct
 * sequences is a product that can be checked at start.
 */
export function regionAlphabets(region: RedesignRegion): { allowed: string[]; polar: string[]; hydrophobicSlots: number } {
  const allowed = [...AMINO_ACIDS].filter((letter) => !region.filters.excluded.has(letter));
  const polar = allowed.filter((letter) => !HYDROPHOBIC.includes(letter));
  const n = region.residues.length;
  const cap = region.filters.maxHydrophobicFraction;
  return { allowed, polar, hydrophobicSlots: cap === undefined ? n : Math.min(n, Math.floor(cap * n)) };
}

/** How many distinct redesigned sequences the regions' alphabets allow (excluded motifs aside). */
export function redesignSpaceSize(plan: RedesignPlan): bigint {
  let size = 1n;
  for (const region of plan.chains.flatMap((chain) => chain.regions)) {
    const { allowed, polar, hydrophobicSlots } = regionAlphabets(region);
    size *= BigInt(allowed.length) ** BigInt(hydrophobicSlots) * BigInt(polar.length) ** BigInt(region.residues.length - hydrophobicSlots);
  }
  return size;
}

const NUCLEOTIDES: Record<string, { type: 'rna' | 'dna'; letter: string }> = {
  A: { type: 'rna', letter: 'A' }, C: { type: 'rna', letter: 'C' }, G: { type: 'rna', letter: 'G' }, U: { type: 'rna', letter: 'U' },
  DA: { type: 'dna', letter: 'A' }, DC: { type: 'dna', letter: 'C' }, DG: { type: 'dna', letter: 'G' }, DT: { type: 'dna', letter: 'T' },
};

/** A CIF chain as a fixed entity: protein, RNA or DNA by its polymer residues, else the ligand of its first residue. */
function chainOf(chain: CifChain): Omit<RedesignChain, 'role' | 'regions'> {
  const polymer = chain.residues.filter((residue) => residue.polymer);
  if (polymer.length === 0) return { id: chain.id, type: 'ligand_ccd', sequence: '', value: chain.residues[0].name };
  const nucleic = polymer.map((residue) => NUCLEOTIDES[residue.name]);
  if (nucleic.every((n) => n !== undefined) && nucleic.every((n) => n.type === nucleic[0].type)) {
    return { id: chain.id, type: nucleic[0].type, sequence: nucleic.map((n) => n.letter).join('') };
  }
  return { id: chain.id, type: 'protein', sequence: proteinSequenceOf(chain) };
}

type Motif = { residues: number[]; filters: Parameters<typeof filtersFrom>[0] };

/**
 * The regions of a chain's design motifs. A redesigned residue needs a resolved backbone
 * (PIPELINE-ENGINES.md §4.3: inverse folding works on a fully specified structure): at least its
 * CA atom must be in the file.
 */
function regionsOf(cif: CifChain, chain: Omit<RedesignChain, 'role' | 'regions'>, motifs: Motif[] | undefined, global: SequenceFilters, path: string, errors: PlanErrors): RedesignRegion[] {
  if (!motifs || motifs.length === 0) return [];
  if (chain.type !== 'protein') {
    errors[`${path}.design_motifs`] = `chain ${chain.id} is not a protein chain; only protein residues can be redesigned`;
    return [];
  }
  const redesignedBy = new Map<number, number>();
  const polymer = cif.residues.filter((residue) => residue.polymer);
  return motifs.map((motif, m) => {
    const at = `${path}.design_motifs[${m}]`;
    if (motif.residues.length === 0) errors[`${at}.residues`] = 'must name at least one residue to redesign';
    motif.residues.forEach((residue, k) => {
      const other = redesignedBy.get(residue);
      if (residue < 0 || residue >= chain.sequence.length) errors[`${at}.residues[${k}]`] = `is ${residue}, outside chain ${chain.id} (residues 0–${chain.sequence.length - 1})`;
      else if (other !== undefined) errors[`${at}.residues[${k}]`] = `redesigns residue ${residue} a second time (${other === m ? 'in this motif' : `also in design_motifs[${other}]`})`;
      else if (!polymer[residue].atoms.some((atom) => atom.name === 'CA')) errors[`${at}.residues[${k}]`] = `is residue ${residue} of chain ${chain.id}, whose backbone is not resolved in the structure (no CA atom)`;
      redesignedBy.set(residue, m);
    });
    return { residues: [...new Set(motif.residues)].sort((a, b) => a - b), filters: filtersFrom(motif.filters, global, `${at}.filters`, errors) };
  });
}

/**
 * The plan of a sequence redesign request, or its problems keyed by path. `files` holds the
 * decoded upload at `structure`.
 */
export function planSequenceRedesign(input: Input, files: ReadonlyMap<string, InputFile>): RedesignPlan | { errors: PlanErrors } {
  const errors: PlanErrors = {};
  const structure = new Templates(files).chains('structure');
  if (typeof structure === 'string') return { errors: { structure } };
  const global = input.global_design_filters === undefined ? DEFAULT_FILTERS : filtersFrom(input.global_design_filters, NO_FILTERS, 'global_design_filters', errors);
  const byId = new Map(structure.map((chain) => [chain.id, chain]));
  const assigned = new Map<string, number>();
  const chains: RedesignChain[] = [];
  input.entities.forEach((entity, index) => {
    const at = `entities[${index}]`;
    const cif = byId.get(entity.chain_id);
    const first = assigned.get(entity.chain_id);
    if (!cif) return void (errors[`${at}.chain_id`] = `is not a chain of the structure (chains: ${structure.map((c) => c.id).join(', ')})`);
    if (first !== undefined) return void (errors[`${at}.chain_id`] = `assigns chain ${entity.chain_id} a second time (also entities[${first}]); every chain is assigned exactly once`);
    assigned.set(entity.chain_id, index);
    const chain = chainOf(cif);
    const role = 'role' in entity ? entity.role : undefined;
    const motifs = 'design_motifs' in entity ? (entity.design_motifs as Motif[] | undefined) : undefined;
    chains.push({ ...chain, ...(role ? { role } : {}), regions: regionsOf(cif, chain, motifs, global, at, errors) });
  });
  const missing = structure.filter((chain) => !assigned.has(chain.id)).map((chain) => chain.id);
  if (missing.length > 0) errors.entities ??= `does not assign chain${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of the structure; every chain is assigned exactly once`;
  if (input.type === 'binder') {
    for (const role of ['target', 'binder'] as const) {
      if (Object.keys(errors).length === 0 && !chains.some((chain) => chain.role === role)) errors.entities = `has no ${role} chain; a binder redesign needs at least one target and one binder`;
    }
  }
  if (Object.keys(errors).length > 0) return { errors };
  const plan: RedesignPlan = { shape: input.type, chains };
  if (!chains.some((chain) => chain.regions.length > 0)) {
    return { errors: { entities: `has nothing to redesign: give ${input.type === 'binder' ? 'a binder' : 'a'} chain design_motifs` } };
  }
  const size = redesignSpaceSize(plan);
  if (size < BigInt(input.num_proteins)) {
    return { errors: { num_proteins: `is ${input.num_proteins}, but the redesigned residues and their filters allow only ${size} distinct sequence${size === 1n ? '' : 's'}` } };
  }
  return plan;
}
