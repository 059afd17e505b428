import type { InputFile } from '../../engine.ts';
import type { JobInput } from '../../job-types.ts';
import { toYaml } from '../../boltz/request.ts';
import { type BinderOption, type DesignPlan, type PlannedChain, type SequenceFilters, type TemplateOrigin, isDesigned, planProteinDesign } from '../../protein/design-plan.ts';
import { AMINO_ACIDS } from '../../protein/sequence-dsl.ts';
import { fieldsNamed } from '../input-paths.ts';

/**
 * Protein design request → BoltzGen design-spec YAML(s) and `boltzgen run` flags
 * (spec/PIPELINE-ENGINES.md §2, §4.2 and its addendum). Pure: the engine writes `files` and the
 * specs into one folder and runs BoltzGen there, so every path in a spec is relative to it.
 *
 * - Target chains from an uploaded structure stay structures (`file:` with the crop as
 *   `include`, epitope / non-binding residues as `binding_types`, flexible residues hidden with
 *   `structure_groups`); targets given as sequences become fixed `protein`/`rna`/`dna`/`ligand` entities.
 * - Designed chains keep the API's DSL (BoltzGen's is the same); template binders are `file:`
 *   entities whose motifs become `design` (same length) or `exclude` + `design_insertions`.
 * - Amino acids excluded everywhere go to inverse folding (`--inverse_fold_avoid`); the other
 *   sequence filters are applied to the designed residues afterwards (`postFilter`).
 */
export type BoltzGenProtocol = 'protein-anything' | 'peptide-anything' | 'nanobody-anything' | 'protein-small_molecule';

export interface BoltzGenDeploymentSpec {
  /** BoltzGen's curated nanobody scaffold specs (`example/nanobody_scaffolds/*.yaml`), absolute paths; without them the curated VHH is designed from its sequence. */
  nanobodyScaffolds?: readonly string[];
}

export interface BoltzGenSpec {
  /** One spec per binder option (`spec_<k>.yaml`); BoltzGen gives each the full `--num_designs`. */
  specs: Array<{ name: string; yamlText: string; option: BinderOption }>;
  /** Uploaded structures, written next to the specs. */
  files: Array<{ name: string; data: Buffer }>;
  protocol: BoltzGenProtocol;
  /** `--inverse_fold_avoid`: always passed, since BoltzGen's default differs by protocol. */
  inverseFoldAvoid: string;
  /** Filters the designed residues of each binder option must pass after inverse folding. */
  postFilters: SequenceFilters[];
  /** The `--steps` of the protocol, without BoltzGen's own filtering (the API streams every design). */
  steps: string[];
  /** Flags of this kind of run (sequence redesign: `--only_inverse_fold` …). */
  extraArgs?: string[];
}

export type AdmissionProblems = Record<string, string>;

const STEPS: Record<BoltzGenProtocol, string[]> = {
  'protein-anything': ['design', 'inverse_folding', 'folding', 'design_folding', 'analysis'],
  'peptide-anything': ['design', 'inverse_folding', 'folding', 'analysis'],
  'nanobody-anything': ['design', 'inverse_folding', 'folding', 'analysis'],
  'protein-small_molecule': ['design', 'inverse_folding', 'folding', 'design_folding', 'affinity', 'analysis'],
};

const UNSUPPORTED = 'is not supported by the live engine (BoltzGen 0.1)';

/** 1-based residue numbers → BoltzGen's range string (`3..7,9`). */
export function rangesOf(numbers: readonly number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}..${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Designed segments as BoltzGen's DSL: fixed letters, `N` or `MIN..MAX`. */
function dslOf(chain: PlannedChain): string {
  return chain.segments.map((segment) => (segment.kind === 'fixed' ? segment.sequence : segment.min === segment.max ? String(segment.min) : `${segment.min}..${segment.max}`)).join('');
}

function protocolOf(plan: DesignPlan, option: BinderOption): BoltzGenProtocol | undefined {
  if (plan.shape === 'generic') return 'protein-anything';
  switch (option.modality) {
    case 'peptide':
      return 'peptide-anything';
    case 'nanobody':
      return 'nanobody-anything';
    case 'custom_protein':
      return plan.target.length > 0 && plan.target.every((chain) => chain.type === 'ligand_ccd' || chain.type === 'ligand_smiles') ? 'protein-small_molecule' : 'protein-anything';
    default:
      return undefined;
  }
}

/** The filters of every designed segment of the plan. */
function designedFilters(plan: DesignPlan): SequenceFilters[] {
  return plan.binders.flatMap((option) => option.chains.flatMap((chain) => chain.segments.flatMap((segment) => (segment.kind === 'designed' ? [segment.filters] : []))));
}

/**
 * Fields of a schema-valid request that BoltzGen cannot honour, keyed by input path
 * (spec/PIPELINE-ENGINES.md §4.2 "Reject in live mode"). Input only, so it runs at start before
 * anything is created or fetched.
 */
export function boltzGenAdmissionProblems(input: object): AdmissionProblems {
  const problems: AdmissionProblems = {};
  for (const { path, value } of fieldsNamed(input, 'modifications')) {
    if (Array.isArray(value) && value.length > 0) problems[path] = `${UNSUPPORTED}: BoltzGen specs have no residue modifications`;
  }
  for (const { path, value } of fieldsNamed(input, 'bonds')) {
    if (Array.isArray(value) && value.length > 0) problems[path] = `${UNSUPPORTED}: covalent bonds are not passed to BoltzGen by this server`;
  }
  for (const name of ['constraints', 'epitope_ligand_chains']) {
    for (const { path, value } of fieldsNamed(input, name)) {
      if (Array.isArray(value) && value.length > 0) problems[path] = `${UNSUPPORTED}: BoltzGen takes binding sites as epitope residues`;
    }
  }
  // Per-chain maps of a sequence-only target (legacy `no_template`); chain selections' lists are honoured.
  for (const { path, value } of fieldsNamed(input, 'non_binding_residues')) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) problems[path] = `${UNSUPPORTED} on a target given as sequences; give the target as a structure template`;
  }
  for (const { path, value } of fieldsNamed(input, 'type')) {
    if (value === 'glycan') problems[path.replace(/\.type$/, '')] = `${UNSUPPORTED}: glycans cannot be written in a BoltzGen spec`;
  }
  const modalities = new Set<unknown>();
  for (const { path, value } of [...fieldsNamed(input, 'modality'), ...fieldsNamed(input, 'binder')]) {
    if (value === 'antibody' || value === 'boltz_antibody') problems[path] = `${UNSUPPORTED}: antibody design needs BoltzGen's antibody-anything protocol (0.3 and later)`;
    if (typeof value === 'string') modalities.add(value === 'boltz_nanobody' ? 'nanobody' : value);
  }
  // One `boltzgen run` has one protocol, and the protocol follows the modality.
  if (modalities.size > 1) problems[(input as { binder?: unknown }).binder ? 'binder' : 'binder_specification'] = `mixes modalities (${[...modalities].join(', ')}), which ${UNSUPPORTED}; start one run per modality`;
  const motifFilters = fieldsNamed(input, 'design_motifs').flatMap(({ path, value }) =>
    (Array.isArray(value) ? value : []).map((motif, i) => ({ path: `${path}[${i}].filters`, filters: JSON.stringify((motif as { filters?: unknown }).filters ?? []) })),
  );
  const differing = motifFilters.find((motif) => motif.filters !== motifFilters[0].filters);
  if (differing) problems[differing.path] = `per-motif filters that differ between motifs are ${UNSUPPORTED}; use global_design_filters`;
  return problems;
}

interface Writer {
  files: Map<string, string>;
  inputFiles: ReadonlyMap<string, InputFile>;
}

/** The file name a template is written under, next to the specs (`target.structure` → `tmpl_target_structure.cif`). */
function templateFile(writer: Writer, origin: TemplateOrigin): string {
  let name = writer.files.get(origin.path);
  if (!name) {
    name = `tmpl_${origin.path.replace(/[^A-Za-z0-9]+/g, '_').replace(/_+$/, '')}.cif`;
    writer.files.set(origin.path, name);
  }
  return name;
}

type Yaml = Record<string, unknown>;

/** A target chain taken from a structure: crop, epitope, avoided and flexible residues in label_seq numbers. */
function targetFileEntity(chain: PlannedChain, origin: TemplateOrigin, writer: Writer): Yaml {
  const label = (indices: readonly number[] | undefined) => rangesOf((indices ?? []).map((index) => origin.labelSeqs[index]));
  const bindingTypes: Yaml[] = [];
  if (chain.epitope?.length) bindingTypes.push({ chain: { id: origin.chainId, binding: label(chain.epitope) } });
  if (chain.avoid?.length) bindingTypes.push({ chain: { id: origin.chainId, not_binding: label(chain.avoid) } });
  const file: Yaml = { path: templateFile(writer, origin), include: [{ chain: { id: origin.chainId, res_index: rangesOf(origin.labelSeqs) } }] };
  if (bindingTypes.length) file.binding_types = bindingTypes;
  if (origin.flexible.length) {
    // Visibility 0 = the residues' coordinates are hidden, so the model may move them.
    file.structure_groups = [{ group: { id: origin.chainId, visibility: 1 } }, { group: { id: origin.chainId, visibility: 0, res_index: label(origin.flexible) } }];
  }
  return { file };
}

/** A binder chain from a template whose motifs are designed in place (spec/PIPELINE-ENGINES.md §4.2, addendum). */
function binderFileEntity(origin: TemplateOrigin, writer: Writer): Yaml {
  const L = (k: number) => origin.labelSeqs[k];
  const design: number[] = [];
  const exclude: number[] = [];
  const insertions: Yaml[] = [];
  // `num_residues` goes through the 1-based range parser: `a..b` inserts a−1 to b−1 residues (addendum).
  const count = (min: number, max: number) => (min === max ? String(min + 1) : `${min + 1}..${max + 1}`);
  for (const motif of origin.motifs) {
    if (motif.type === 'replacement' && motif.min === motif.max && motif.max === motif.end - motif.start + 1) {
      for (let k = motif.start; k <= motif.end; k++) design.push(L(k));
    } else if (motif.type === 'replacement') {
      for (let k = motif.start; k <= motif.end; k++) exclude.push(L(k));
      insertions.push({ insertion: { id: origin.chainId, res_index: L(motif.start), num_residues: count(motif.min, motif.max) } });
    } else {
      insertions.push({ insertion: { id: origin.chainId, res_index: motif.after < 0 ? L(0) : L(motif.after) + 1, num_residues: count(motif.min, motif.max) } });
    }
  }
  // Several insertions are applied from the end of the chain, so earlier ones do not shift later indices (§2).
  insertions.sort((a, b) => Number((b.insertion as Yaml).res_index) - Number((a.insertion as Yaml).res_index));
  const file: Yaml = {
    path: templateFile(writer, origin),
    include: [{ chain: { id: origin.chainId, res_index: rangesOf(origin.labelSeqs) } }],
    // The framework is rigid but may move as a whole relative to the target; designed residues are hidden.
    structure_groups: [{ group: { id: origin.chainId, visibility: 2 } }, ...(design.length ? [{ group: { id: origin.chainId, visibility: 0, res_index: rangesOf(design) } }] : [])],
  };
  if (exclude.length) file.exclude = [{ chain: { id: origin.chainId, res_index: rangesOf(exclude) } }];
  if (design.length) file.design = [{ chain: { id: origin.chainId, res_index: rangesOf(design) } }];
  if (insertions.length) file.design_insertions = insertions;
  file.reset_res_index = [{ chain: { id: origin.chainId } }];
  return { file };
}

function sequenceEntity(chain: PlannedChain): Yaml {
  if (chain.type === 'ligand_ccd') return { ligand: { id: chain.id, ccd: chain.value } };
  if (chain.type === 'ligand_smiles') return { ligand: { id: chain.id, smiles: chain.value } };
  const entity: Yaml = { id: chain.id, sequence: dslOf(chain) };
  if (chain.cyclic) entity.cyclic = true;
  const bindingTypes: Yaml = {};
  if (chain.epitope?.length) bindingTypes.binding = rangesOf(chain.epitope.map((i) => i + 1));
  if (chain.avoid?.length) bindingTypes.not_binding = rangesOf(chain.avoid.map((i) => i + 1));
  if (Object.keys(bindingTypes).length) entity.binding_types = bindingTypes;
  return { [chain.type]: entity };
}

function specYaml(plan: DesignPlan, option: BinderOption, deployment: BoltzGenDeploymentSpec, writer: Writer): string {
  const entities: Yaml[] = plan.target.map((chain) => (chain.template ? targetFileEntity(chain, chain.template, writer) : sequenceEntity(chain)));
  if (option.scaffold && deployment.nanobodyScaffolds?.length && option.modality === 'nanobody') {
    // BoltzGen picks one scaffold per batch from the list (§2 "Nanobody / antibody scaffolds").
    entities.push({ file: { path: [...deployment.nanobodyScaffolds] } });
  } else {
    for (const chain of option.chains) entities.push(chain.template && isDesigned(chain) ? binderFileEntity(chain.template, writer) : sequenceEntity(chain));
  }
  return toYaml({ entities });
}

/** Letters every designed segment excludes, in BoltzGen's one-letter codes (addendum: nothing else is accepted). */
export function avoidedEverywhere(filters: SequenceFilters[]): string {
  return [...AMINO_ACIDS].filter((letter) => filters.length > 0 && filters.every((f) => f.excluded.has(letter))).join('');
}

export function toBoltzGenSpec(input: JobInput<'protein_design'>, inputFiles: ReadonlyMap<string, InputFile>, deployment: BoltzGenDeploymentSpec): BoltzGenSpec | { problems: AdmissionProblems } {
  const plan = planProteinDesign(input, inputFiles);
  if ('errors' in plan) return { problems: plan.errors };
  const problems = boltzGenAdmissionProblems(input);
  if (Object.keys(problems).length > 0) return { problems };
  const writer: Writer = { files: new Map(), inputFiles };
  const specs = plan.binders.map((option, k) => ({ name: `spec_${k}.yaml`, yamlText: specYaml(plan, option, deployment, writer), option }));
  const protocol = protocolOf(plan, plan.binders[0])!;
  const filters = designedFilters(plan);
  return {
    specs,
    files: [...writer.files].map(([path, name]) => ({ name, data: inputFiles.get(path)!.data })),
    protocol,
    inverseFoldAvoid: avoidedEverywhere(filters),
    postFilters: plan.binders.map((option) => option.chains.flatMap((chain) => chain.segments.flatMap((segment) => (segment.kind === 'designed' ? [segment.filters] : [])))[0] ?? { excluded: new Set(), excludedMotifs: [] }),
    steps: STEPS[protocol],
  };
}
