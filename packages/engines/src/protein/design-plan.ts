import type { InputFile } from '../engine.ts';
import type { JobInput } from '../job-types.ts';
import { type CifChain, MmcifError, proteinSequenceOf, readMmcifChains } from '../read-mmcif.ts';
import { CURATED_BINDERS } from './curated-binders.ts';
import { AMINO_ACIDS, parseSequenceDsl } from './sequence-dsl.ts';

/**
 * A protein design request, whatever its shape (binder, generic or the legacy body, spec/API.md
 * §10), normalised into what every engine needs: the fixed target chains and the binder options,
 * each a list of chains made of fixed and designed segments with their sequence filters. Building
 * the plan validates everything that relates fields to each other and to the uploaded templates;
 * every problem is reported with the path of the offending field (→ 422).
 */
export interface SequenceFilters {
  /** One-letter codes a designed residue may not be. */
  excluded: ReadonlySet<string>;
  /** At most this fraction of designed residues from I L V M F W Y. */
  maxHydrophobicFraction?: number;
  /** Motifs no designed sequence may contain; `X` matches any residue. */
  excludedMotifs: readonly string[];
}

export type PlannedSegment = { kind: 'fixed'; sequence: string } | { kind: 'designed'; min: number; max: number; filters: SequenceFilters };

export type ChainKind = 'protein' | 'rna' | 'dna' | 'ligand_ccd' | 'ligand_smiles' | 'glycan';

export interface PlannedChain {
  id: string;
  type: ChainKind;
  /** Polymers: their residues; ligands and glycans: none. */
  segments: PlannedSegment[];
  /** Ligands: the SMILES or CCD code; glycans: their residue codes joined by spaces. */
  value?: string;
  cyclic?: boolean;
  /** 0-based residues of a target chain the binder should touch, or avoid. */
  epitope?: number[];
  avoid?: number[];
  /** A fixed entity as the request gave it (for glycans: residues and bonds), echoed in results. */
  source?: Record<string, unknown>;
  /** A chain taken from an uploaded structure: engines that design on structures (BoltzGen) use the file itself. */
  template?: TemplateOrigin;
}

/** A design motif of a template chain, in indices of the kept (cropped) residues. */
export type TemplateMotif = { type: 'replacement'; start: number; end: number; min: number; max: number } | { type: 'insertion'; after: number; min: number; max: number };

export interface TemplateOrigin {
  /** Input path of the structure file (`templates[0]`, `target.structure`). */
  path: string;
  chainId: string;
  /** `label_seq_id` of each kept residue, in order (1-based; spec/PIPELINE-ENGINES.md §2). */
  labelSeqs: number[];
  motifs: TemplateMotif[];
  /** Kept-residue indices whose structure may move (legacy `flexible_residues`). */
  flexible: number[];
}

export interface BinderOption {
  /** Designed and fixed binder-side chains. */
  chains: PlannedChain[];
  modality: 'peptide' | 'antibody' | 'nanobody' | 'custom_protein';
  /** Name of a curated scaffold, when the option came from `boltz_curated`. */
  scaffold?: string;
}

export interface DesignPlan {
  shape: 'binder' | 'generic' | 'legacy';
  /** Fixed chains designs bind (none for generic designs). */
  target: PlannedChain[];
  /** Alternatives sampled uniformly per design; most requests have one. */
  binders: BinderOption[];
}

export type PlanErrors = Record<string, string>;

export const HYDROPHOBIC = 'ILVMFWY';

type DesignInput = JobInput<'protein_design'>;
type Untyped = Record<string, any>;

/** The lengths a planned chain can have. */
export function chainLengthRange(chain: PlannedChain): { min: number; max: number } {
  let min = 0;
  let max = 0;
  for (const segment of chain.segments) {
    if (segment.kind === 'fixed') {
      min += segment.sequence.length;
      max += segment.sequence.length;
    } else {
      min += segment.min;
      max += segment.max;
    }
  }
  return { min, max };
}

/** Whether `motif` (X = any residue) is spelt at `start` of `sequence`. */
export function matchesMotif(sequence: string, start: number, motif: string): boolean {
  for (let k = 0; k < motif.length; k++) if (motif[k] !== 'X' && sequence[start + k] !== motif[k]) return false;
  return true;
}

export function isDesigned(chain: PlannedChain): boolean {
  return chain.segments.some((segment) => segment.kind === 'designed');
}

type Entity = JobInput<'structure_and_binding'>['entities'][number];

/** A planned chain as a result row's entity: fixed entities as the request gave them, designed ones with `sequence`. */
export function plannedEntity(chain: PlannedChain, sequence?: string): Entity {
  if (chain.source && !isDesigned(chain)) return { ...chain.source, chain_ids: [chain.id] } as Entity;
  if (chain.type === 'protein' || chain.type === 'rna' || chain.type === 'dna') {
    return { type: chain.type, chain_ids: [chain.id], value: sequence ?? chain.segments.map((s) => (s.kind === 'fixed' ? s.sequence : '')).join(''), ...(chain.cyclic ? { cyclic: true } : {}) } as Entity;
  }
  return { type: chain.type, chain_ids: [chain.id], value: chain.value ?? '' } as Entity;
}

/** Filters from a list of `global_design_filters` / motif `filters` items, on top of `base`. */
export function filtersFrom(items: Untyped[] | undefined, base: SequenceFilters, path: string, errors: PlanErrors): SequenceFilters {
  const excluded = new Set(base.excluded);
  let maxHydrophobicFraction = base.maxHydrophobicFraction;
  const excludedMotifs = [...base.excludedMotifs];
  (items ?? []).forEach((item, index) => {
    const at = `${path}[${index}]`;
    if (item.type === 'excluded_amino_acids') addExcluded(item.amino_acids, excluded, `${at}.amino_acids`, errors);
    else if (item.type === 'max_hydrophobic_fraction') maxHydrophobicFraction = fraction(item.max_fraction, maxHydrophobicFraction, `${at}.max_fraction`, errors);
    else if (item.type === 'excluded_sequence_motifs') excludedMotifs.push(...motifs(item.motifs, `${at}.motifs`, errors));
  });
  return { excluded, maxHydrophobicFraction, excludedMotifs };
}

/** The legacy body's `rules` object: the same three filters as fields. */
function filtersFromRules(rules: Untyped | undefined, base: SequenceFilters, path: string, errors: PlanErrors): SequenceFilters {
  if (!rules) return base;
  const excluded = new Set(base.excluded);
  if (rules.excluded_amino_acids) addExcluded(rules.excluded_amino_acids, excluded, `${path}.excluded_amino_acids`, errors);
  return {
    excluded,
    maxHydrophobicFraction: fraction(rules.max_hydrophobic_fraction, base.maxHydrophobicFraction, `${path}.max_hydrophobic_fraction`, errors),
    excludedMotifs: [...base.excludedMotifs, ...motifs(rules.excluded_sequence_motifs, `${path}.excluded_sequence_motifs`, errors)],
  };
}

function addExcluded(letters: string[], into: Set<string>, path: string, errors: PlanErrors): void {
  letters.forEach((letter, index) => {
    if (letter.length !== 1 || !AMINO_ACIDS.includes(letter)) errors[`${path}[${index}]`] = `must be one of the 20 standard amino acids (${AMINO_ACIDS}), got ${JSON.stringify(letter)}`;
    else into.add(letter);
  });
  if (into.size >= AMINO_ACIDS.length) errors[path] = 'excludes every amino acid: nothing could be designed';
}

function fraction(value: number | undefined, fallback: number | undefined, path: string, errors: PlanErrors): number | undefined {
  if (value === undefined) return fallback;
  if (!(value >= 0 && value <= 1)) errors[path] = 'must be a fraction between 0 and 1';
  return fallback === undefined ? value : Math.min(value, fallback);
}

function motifs(list: string[] | undefined, path: string, errors: PlanErrors): string[] {
  (list ?? []).forEach((motif, index) => {
    if (!/^[ACDEFGHIKLMNPQRSTVWYX]+$/.test(motif)) errors[`${path}[${index}]`] = 'must be amino-acid letters, with X for any residue';
    else if (/^X+$/.test(motif)) errors[`${path}[${index}]`] = 'matches every sequence (only X wildcards): nothing could be designed';
  });
  return list ?? [];
}

/** Template chains by template id (binder/generic bodies) or by structure path (legacy body, redesign). */
export class Templates {
  private readonly cache = new Map<string, CifChain[] | string>();
  constructor(private readonly files: ReadonlyMap<string, InputFile>) {}

  /** Chains of the structure at `path`, or why it cannot be read. */
  chains(path: string): CifChain[] | string {
    let chains = this.cache.get(path);
    if (chains === undefined) {
      const file = this.files.get(path);
      if (!file) chains = 'was not received';
      else {
        try {
          chains = readMmcifChains(file.data.toString('utf8'));
        } catch (error) {
          if (!(error instanceof MmcifError)) throw error;
          chains = `is not a usable mmCIF structure: ${error.message}`;
        }
      }
      this.cache.set(path, chains);
    }
    return chains;
  }
}

/** The residues of a template chain that a crop keeps, as a sequence; indices checked against the chain. */
function croppedSequence(chain: CifChain, crop: 'all' | number[], path: string, errors: PlanErrors): string | undefined {
  const sequence = proteinSequenceOf(chain);
  if (sequence.length === 0) {
    errors[path] = `chain ${chain.id} has no protein residues`;
    return undefined;
  }
  if (crop === 'all') return sequence;
  const seen = new Set<number>();
  let bad = false;
  crop.forEach((index, i) => {
    if (index < 0 || index >= sequence.length) {
      errors[`${path}.crop_residues[${i}]`] = `is ${index}, outside chain ${chain.id} (residues 0–${sequence.length - 1})`;
      bad = true;
    } else if (seen.has(index)) {
      errors[`${path}.crop_residues[${i}]`] = `repeats residue ${index}`;
      bad = true;
    }
    seen.add(index);
  });
  if (crop.length === 0) {
    errors[`${path}.crop_residues`] = 'must keep at least one residue';
    return undefined;
  }
  return bad ? undefined : crop.map((index) => sequence[index]).join('');
}

/** Where the kept residues of a template chain are in the file, and the chain's motifs in typed form. */
function templateOrigin(path: string, chain: CifChain, crop: 'all' | number[], motifsOf: Untyped[] | undefined, flexible: number[] | undefined): TemplateOrigin {
  const polymer = chain.residues.filter((residue) => residue.polymer);
  const labelSeqs = polymer.map((residue, index) => residue.labelSeq ?? index + 1);
  const motifsTyped = (motifsOf ?? []).map((motif): TemplateMotif => {
    const { min, max } = motif.design_length_range;
    return motif.type === 'replacement' ? { type: 'replacement', start: motif.start_index, end: motif.end_index, min, max } : { type: 'insertion', after: motif.after_residue_index, min, max };
  });
  return { path, chainId: chain.id, labelSeqs: crop === 'all' ? labelSeqs : crop.map((index) => labelSeqs[index]), motifs: motifsTyped, flexible: flexible ?? [] };
}

/** Residue indices (of the crop) that must name kept residues. */
function checkSubset(indices: number[] | undefined, length: number, path: string, errors: PlanErrors): number[] | undefined {
  indices?.forEach((index, i) => {
    if (index < 0 || index >= length) errors[`${path}[${i}]`] = `is ${index}, outside the selected residues (0–${length - 1})`;
  });
  return indices;
}

/**
 * A template chain with its design motifs applied: replacements swap an inclusive range of the
 * crop for a designed segment, insertions add one after a residue (−1 = before the first).
 */
function templateSegments(sequence: string, motifsOf: Untyped[] | undefined, filters: SequenceFilters, path: string, errors: PlanErrors): PlannedSegment[] {
  const replaced = new Map<number, { end: number; segment: PlannedSegment }>();
  const inserted = new Map<number, PlannedSegment[]>();
  (motifsOf ?? []).forEach((motif, index) => {
    const at = `${path}.design_motifs[${index}]`;
    const range = motif.design_length_range;
    if (range.min < 1) errors[`${at}.design_length_range.min`] = 'must be at least 1';
    if (range.max < range.min) errors[`${at}.design_length_range.max`] = `must be at least min (${range.min})`;
    const segment: PlannedSegment = { kind: 'designed', min: range.min, max: range.max, filters: filtersFrom(motif.filters, filters, `${at}.filters`, errors) };
    if (motif.type === 'replacement') {
      if (motif.start_index < 0 || motif.start_index >= sequence.length) errors[`${at}.start_index`] = `is ${motif.start_index}, outside the selected residues (0–${sequence.length - 1})`;
      else if (motif.end_index < motif.start_index || motif.end_index >= sequence.length) errors[`${at}.end_index`] = `must be between start_index (${motif.start_index}) and ${sequence.length - 1}`;
      else {
        for (const [start, other] of replaced) {
          if (motif.start_index <= other.end && start <= motif.end_index) errors[at] = `overlaps another replacement (residues ${start}–${other.end})`;
        }
        replaced.set(motif.start_index, { end: motif.end_index, segment });
      }
    } else {
      if (motif.after_residue_index < -1 || motif.after_residue_index >= sequence.length) errors[`${at}.after_residue_index`] = `must be between -1 and ${sequence.length - 1}`;
      else inserted.set(motif.after_residue_index, [...(inserted.get(motif.after_residue_index) ?? []), segment]);
    }
  });
  const segments: PlannedSegment[] = [...(inserted.get(-1) ?? [])];
  let fixed = '';
  const flush = () => {
    if (fixed) segments.push({ kind: 'fixed', sequence: fixed });
    fixed = '';
  };
  for (let i = 0; i < sequence.length; i++) {
    const replacement = replaced.get(i);
    if (replacement) {
      flush();
      segments.push(replacement.segment);
      i = replacement.end;
    } else {
      fixed += sequence[i];
    }
    if (inserted.has(i)) {
      flush();
      segments.push(...inserted.get(i)!);
    }
  }
  flush();
  return segments;
}

/** A polymer or ligand entity given in full (`no_template`): its chains, one per chain id. */
function fixedEntityChains(entity: Untyped, filters: SequenceFilters, path: string, errors: PlanErrors): PlannedChain[] {
  const ids: string[] = entity.chain_ids;
  switch (entity.type) {
    case 'designed_protein': {
      const parsed = parseSequenceDsl(entity.value);
      if (typeof parsed === 'string') {
        errors[`${path}.value`] = parsed;
        return [];
      }
      const segments = parsed.map((segment): PlannedSegment => (segment.kind === 'fixed' ? segment : { ...segment, filters }));
      return ids.map((id) => ({ id, type: 'protein', segments, cyclic: entity.cyclic }));
    }
    case 'protein':
    case 'rna':
    case 'dna':
      return ids.map((id) => ({ id, type: entity.type, segments: [{ kind: 'fixed', sequence: entity.value }], cyclic: entity.cyclic, source: entity }));
    case 'glycan':
      return ids.map((id) => ({ id, type: 'glycan', segments: [], value: entity.residues.map((residue: Untyped) => residue.ccd).join(' '), source: entity }));
    default:
      return ids.map((id) => ({ id, type: entity.type, segments: [], value: entity.value, source: entity }));
  }
}

export const NO_FILTERS: SequenceFilters = { excluded: new Set(), excludedMotifs: [] };
/** `global_design_filters` omitted → no cysteines (spec/API.md §10); `[]` → no filters. */
export const DEFAULT_FILTERS: SequenceFilters = { excluded: new Set(['C']), excludedMotifs: [] };

interface Context {
  templates: Templates;
  errors: PlanErrors;
  /** Template id → file path of the binder/generic bodies' `templates`. */
  templatePaths: Map<string, string>;
}

/** `from_template` entities of the binder/generic bodies: a chain of an uploaded template. */
function fromTemplate(entity: Untyped, filters: SequenceFilters, path: string, context: Context, role: 'target' | 'binder'): PlannedChain | undefined {
  const templatePath = context.templatePaths.get(entity.template_id);
  if (!templatePath) {
    context.errors[`${path}.template_id`] = `names no template of the request (templates: ${[...context.templatePaths.keys()].join(', ') || 'none'})`;
    return undefined;
  }
  const chains = context.templates.chains(templatePath);
  if (typeof chains === 'string') return undefined;
  const chain = chains.find((candidate) => candidate.id === entity.chain_id);
  if (!chain) {
    context.errors[`${path}.chain_id`] = `is not a chain of template ${entity.template_id} (chains: ${chains.map((c) => c.id).join(', ')})`;
    return undefined;
  }
  const sequence = croppedSequence(chain, entity.crop_residues, path, context.errors);
  if (sequence === undefined) return undefined;
  if (role === 'target') {
    return {
      id: chain.id,
      type: 'protein',
      segments: [{ kind: 'fixed', sequence }],
      epitope: checkSubset(entity.epitope_residues, sequence.length, `${path}.epitope_residues`, context.errors),
      avoid: checkSubset(entity.non_binding_residues, sequence.length, `${path}.non_binding_residues`, context.errors),
      template: templateOrigin(templatePath, chain, entity.crop_residues, undefined, undefined),
    };
  }
  const segments = templateSegments(sequence, entity.design_motifs, filters, path, context.errors);
  return { id: chain.id, type: 'protein', segments, template: templateOrigin(templatePath, chain, entity.crop_residues, entity.design_motifs, undefined) };
}

/** A legacy `structure_template`: `chain_selection` over one uploaded structure. */
function selectedChains(spec: Untyped, structurePath: string, filters: SequenceFilters, path: string, context: Context, role: 'target' | 'binder'): PlannedChain[] {
  const chains = context.templates.chains(structurePath);
  if (typeof chains === 'string') return [];
  const planned: PlannedChain[] = [];
  for (const [chainId, selection] of Object.entries<Untyped>(spec.chain_selection)) {
    const at = `${path}.chain_selection.${chainId}`;
    const chain = chains.find((candidate) => candidate.id === chainId);
    if (!chain) {
      context.errors[at] = `is not a chain of the structure (chains: ${chains.map((c) => c.id).join(', ')})`;
      continue;
    }
    if (selection.chain_type === 'ligand') {
      const residue = chain.residues.find((r) => !r.polymer);
      if (!residue) context.errors[`${at}.chain_type`] = `chain ${chainId} has no ligand`;
      else planned.push({ id: chainId, type: 'ligand_ccd', segments: [], value: residue.name });
      continue;
    }
    const sequence = croppedSequence(chain, selection.crop_residues, at, context.errors);
    if (sequence === undefined) continue;
    if (role === 'target') {
      const epitope = checkSubset(selection.epitope_residues, sequence.length, `${at}.epitope_residues`, context.errors);
      const avoid = checkSubset(selection.non_binding_residues, sequence.length, `${at}.non_binding_residues`, context.errors);
      const flexible = checkSubset(selection.flexible_residues, sequence.length, `${at}.flexible_residues`, context.errors);
      const overlap = (epitope ?? []).find((index) => avoid?.includes(index));
      if (overlap !== undefined) context.errors[`${at}.non_binding_residues`] = `must not overlap epitope_residues (both name residue ${overlap})`;
      const template = templateOrigin(structurePath, chain, selection.crop_residues, undefined, flexible);
      planned.push({ id: chainId, type: 'protein', segments: [{ kind: 'fixed', sequence }], epitope, avoid, template });
    } else {
      const segments = templateSegments(sequence, selection.design_motifs, filters, at, context.errors);
      planned.push({ id: chainId, type: 'protein', segments, template: templateOrigin(structurePath, chain, selection.crop_residues, selection.design_motifs, undefined) });
    }
  }
  if (Object.keys(spec.chain_selection).length === 0) context.errors[`${path}.chain_selection`] = 'must select at least one chain';
  return planned;
}

/** A legacy `target` (also the target of a protein library screen). */
function legacyTarget(target: Untyped, context: Context): PlannedChain[] {
  if (target.type === 'structure_template') return selectedChains(target, 'target.structure', NO_FILTERS, 'target', context, 'target');
  const chains = (target.entities as Untyped[]).flatMap((entity, index) => fixedEntityChains(entity, NO_FILTERS, `target.entities[${index}]`, context.errors));
  const residuesOf = (field: 'epitope_residues' | 'non_binding_residues') =>
    Object.entries<number[]>(target[field] ?? {}).flatMap(([chainId, indices]) => {
      const chain = chains.find((c) => c.id === chainId);
      const at = `target.${field}.${chainId}`;
      if (!chain) context.errors[at] = 'names no chain of the target';
      else if (chain.segments.length === 0) context.errors[at] = `names chain ${chainId}, which is not a polymer; ligands are marked with epitope_ligand_chains`;
      else return [{ chain, indices: checkSubset(indices, chainLengthRange(chain).max, at, context.errors) }];
      return [];
    });
  for (const { chain, indices } of residuesOf('epitope_residues')) chain.epitope = indices;
  for (const { chain, indices } of residuesOf('non_binding_residues')) {
    chain.avoid = indices;
    const overlap = indices?.find((index) => chain.epitope?.includes(index));
    if (overlap !== undefined) context.errors[`target.non_binding_residues.${chain.id}`] = `must not overlap epitope_residues (both name residue ${overlap})`;
  }
  (target.epitope_ligand_chains as string[] | undefined)?.forEach((chainId, index) => {
    const chain = chains.find((c) => c.id === chainId);
    if (!chain || chain.segments.length > 0) context.errors[`target.epitope_ligand_chains[${index}]`] = `must name a ligand chain of the target (ligand chains: ${chains.filter((c) => c.segments.length === 0).map((c) => c.id).join(', ') || 'none'})`;
  });
  return chains;
}

/**
 * The fixed target of a library screen, which has the shape of the legacy design body's
 * `target` (spec/API.md §10): its chains, or the problems keyed by path. `files` holds the
 * decoded `target.structure` of a structure template.
 */
export function planTarget(target: JobInput<'protein_library_screen'>['target'], files: ReadonlyMap<string, InputFile>): PlannedChain[] | { errors: PlanErrors } {
  const errors: PlanErrors = {};
  const context: Context = { templates: new Templates(files), errors, templatePaths: new Map() };
  if (target.type === 'structure_template') {
    const chains = context.templates.chains('target.structure');
    if (typeof chains === 'string') errors['target.structure'] = chains;
  }
  const chains = legacyTarget(target, context);
  const ids = new Set<string>();
  for (const chain of chains) {
    if (ids.has(chain.id)) errors.target ??= `names chain id ${chain.id} twice`;
    ids.add(chain.id);
  }
  return Object.keys(errors).length > 0 ? { errors } : chains;
}

/** One binder specification of the legacy body (or of its uniformly sampled list). */
function legacyBinder(spec: Untyped, path: string, context: Context): BinderOption[] {
  const filters = filtersFromRules(spec.rules, NO_FILTERS, `${path}.rules`, context.errors);
  switch (spec.type) {
    case 'boltz_curated':
      return curatedOptions(spec.binder, filters);
    case 'structure_template':
      return [{ modality: spec.modality, chains: selectedChains(spec, `${path}.structure`, filters, path, context, 'binder') }];
    case 'no_template':
      return [{ modality: spec.modality, chains: (spec.entities as Untyped[]).flatMap((entity, index) => fixedEntityChains(entity, filters, `${path}.entities[${index}]`, context.errors)) }];
    default:
      return (spec.binder_specifications as Untyped[]).flatMap((inner, index) => legacyBinder(inner, `${path}.binder_specifications[${index}]`, context));
  }
}

function curatedOptions(binder: 'boltz_nanobody' | 'boltz_antibody', filters: SequenceFilters): BinderOption[] {
  return CURATED_BINDERS[binder].map((scaffold) => ({
    modality: binder === 'boltz_nanobody' ? 'nanobody' : 'antibody',
    scaffold: scaffold.name,
    chains: scaffold.chains.map((chain) => ({
      id: chain.id,
      type: 'protein' as const,
      segments: chain.segments.map((segment): PlannedSegment => (segment.kind === 'fixed' ? segment : { ...segment, filters })),
    })),
  }));
}

/** A binder-or-generic body's entity list (binder side, or all of a generic design). */
function entityChains(entities: Untyped[], filters: SequenceFilters, path: string, context: Context): PlannedChain[] {
  return entities.flatMap((entity, index): PlannedChain[] => {
    const at = `${path}[${index}]`;
    if (entity.type === 'from_template') return [fromTemplate(entity, filters, at, context, 'binder')].filter((c): c is PlannedChain => c !== undefined);
    if (entity.type === 'no_template') return fixedEntityChains(entity.entity, filters, `${at}.entity`, context.errors);
    // fusion_protein: ordered segments joined into one output chain.
    const parts = (entity.segments as Untyped[]).flatMap((segment, i) => {
      const segmentPath = `${at}.segments[${i}]`;
      if (segment.type === 'from_template') return fromTemplate(segment, filters, segmentPath, context, 'binder')?.segments ?? [];
      return fixedEntityChains({ ...segment.entity ?? segment, chain_ids: [entity.output_chain_id] }, filters, segmentPath, context.errors)[0]?.segments ?? [];
    });
    return [{ id: entity.output_chain_id, type: 'protein', segments: parts }];
  });
}

/** The first chain id that `used` does not hold: a letter, then a letter and a digit. */
export function freeChainId(used: ReadonlySet<string>): string {
  const letters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
  return letters.find((letter) => !used.has(letter)) ?? letters.flatMap((letter) => [...'123456789'].map((digit) => letter + digit)).find((id) => !used.has(id))!;
}

/** Curated scaffolds have fixed chain ids; one that a target chain already uses takes the next free letter. */
function renameCuratedChains(plan: DesignPlan): void {
  const taken = new Set(plan.target.map((chain) => chain.id));
  for (const option of plan.binders) {
    if (!option.scaffold) continue;
    const used = new Set(taken);
    for (const chain of option.chains) {
      if (used.has(chain.id)) chain.id = freeChainId(used);
      used.add(chain.id);
    }
  }
}

function checkChainIds(plan: DesignPlan, errors: PlanErrors): void {
  const binderPath = { legacy: 'binder_specification', generic: 'entities', binder: 'binder' }[plan.shape];
  const targetIds = new Set(plan.target.map((chain) => chain.id));
  if (targetIds.size < plan.target.length) errors.target = 'names a chain id twice';
  plan.binders.forEach((option) => {
    const ids = new Set<string>();
    for (const chain of option.chains) {
      if (targetIds.has(chain.id) || ids.has(chain.id)) errors[binderPath] ??= `uses chain id ${chain.id} twice (chain ids must be unique across target and binder)`;
      ids.add(chain.id);
    }
    if (!option.chains.some(isDesigned) && Object.keys(errors).length === 0) errors[binderPath] = 'has nothing to design: add a designed_protein entity or design_motifs';
  });
}

/**
 * The plan of a protein design request, or the problems that make it invalid (keyed by path).
 * `files` holds the decoded structure uploads by their path (`templates[0]`, `target.structure`,
 * `binder_specification.structure`).
 */
export function planProteinDesign(input: DesignInput, files: ReadonlyMap<string, InputFile>): DesignPlan | { errors: PlanErrors } {
  const body = input as Untyped;
  const errors: PlanErrors = {};
  const context: Context = { templates: new Templates(files), errors, templatePaths: new Map() };
  let plan: DesignPlan;
  if (body.type === 'binder' || body.type === 'generic') {
    (body.templates as Untyped[]).forEach((template, index) => {
      if (context.templatePaths.has(template.id)) errors[`templates[${index}].id`] = `repeats the template id ${JSON.stringify(template.id)}`;
      context.templatePaths.set(template.id, `templates[${index}]`);
      const chains = context.templates.chains(`templates[${index}]`);
      if (typeof chains === 'string') errors[`templates[${index}]`] = chains;
    });
    const filters = body.global_design_filters === undefined ? DEFAULT_FILTERS : filtersFrom(body.global_design_filters, NO_FILTERS, 'global_design_filters', errors);
    if (body.type === 'generic') {
      plan = { shape: 'generic', target: [], binders: [{ modality: 'custom_protein', chains: entityChains(body.entities, filters, 'entities', context) }] };
    } else {
      const target = (body.target.entities as Untyped[]).flatMap((entity, index): PlannedChain[] => {
        const at = `target.entities[${index}]`;
        if (entity.type === 'from_template') return [fromTemplate(entity, NO_FILTERS, at, context, 'target')].filter((c): c is PlannedChain => c !== undefined);
        return fixedEntityChains(entity.entity, NO_FILTERS, `${at}.entity`, errors);
      });
      const binder = body.binder;
      const binders =
        binder.type === 'boltz_curated'
          ? curatedOptions(binder.binder, filters)
          : binder.type === 'uniformly_sampled'
            ? (binder.specifications as Untyped[]).map((spec, index) => ({ modality: spec.modality, chains: entityChains(spec.entities, filters, `binder.specifications[${index}].entities`, context) }))
            : [{ modality: binder.modality, chains: entityChains(binder.entities, filters, 'binder.entities', context) }];
      plan = { shape: 'binder', target, binders };
    }
  } else {
    for (const path of ['target.structure', 'binder_specification.structure']) {
      if (!files.has(path)) continue;
      const chains = context.templates.chains(path);
      if (typeof chains === 'string') errors[path] = chains;
    }
    plan = { shape: 'legacy', target: legacyTarget(body.target, context), binders: legacyBinder(body.binder_specification, 'binder_specification', context) };
  }
  renameCuratedChains(plan);
  checkChainIds(plan, errors);
  return Object.keys(errors).length > 0 ? { errors } : plan;
}
