import type { InputFile } from '../../engine.ts';
import type { JobInput } from '../../job-types.ts';
import { toYaml } from '../../boltz/request.ts';
import { DEFAULT_FILTERS, type DesignPlan, NO_FILTERS, type PlanErrors, type PlannedChain, filtersFrom } from '../../protein/design-plan.ts';
import { MmcifError, ONE_LETTER, proteinSequenceOf, readMmcifChains } from '../../read-mmcif.ts';
import { type BoltzGenSpec, avoidedEverywhere, rangesOf } from './spec.ts';

/**
 * Sequence redesign → BoltzGen inverse folding only (spec/PIPELINE-ENGINES.md §4.3 and its
 * addendum): one `file` entity on the uploaded structure, every named chain included, the motif
 * residues of designed chains as `design`; `--only_inverse_fold` with one sequence per backbone
 * (more break `--reuse`), so each "design" of a chunk is a new sequence for the same backbone.
 * `--only_inverse_fold` ignores `--inverse_fold_avoid`: amino acids excluded everywhere go to the
 * inverse folder's restriction list in three-letter codes; the other filters apply afterwards.
 */
type Untyped = Record<string, any>;
const STRUCTURE_FILE = 'structure.cif';

const THREE_LETTER: Record<string, string> = Object.fromEntries(
  Object.entries(ONE_LETTER).filter(([three]) => ['ALA', 'ARG', 'ASN', 'ASP', 'CYS', 'GLN', 'GLU', 'GLY', 'HIS', 'ILE', 'LEU', 'LYS', 'MET', 'PHE', 'PRO', 'SER', 'THR', 'TRP', 'TYR', 'VAL'].includes(three)).map(([three, one]) => [one, three]),
);

export function toBoltzGenRedesign(input: JobInput<'protein_sequence_redesign'>, files: ReadonlyMap<string, InputFile>): { spec: BoltzGenSpec; plan: DesignPlan } | { problems: PlanErrors } {
  const body = input as Untyped;
  const problems: PlanErrors = {};
  const file = files.get('structure');
  if (!file) return { problems: { structure: 'was not received' } };
  let chains;
  try {
    chains = readMmcifChains(file.data.toString('utf8'));
  } catch (error) {
    if (error instanceof MmcifError) return { problems: { structure: `is not a usable mmCIF structure: ${error.message}` } };
    throw error;
  }
  const global = body.global_design_filters === undefined ? DEFAULT_FILTERS : filtersFrom(body.global_design_filters, NO_FILTERS, 'global_design_filters', problems);
  const target: PlannedChain[] = [];
  const designedSide: PlannedChain[] = [];
  const design: Array<{ chain: { id: string; res_index: string } }> = [];
  (body.entities as Untyped[]).forEach((entity, index) => {
    const at = `entities[${index}]`;
    const chain = chains.find((candidate) => candidate.id === entity.chain_id);
    if (!chain) {
      problems[`${at}.chain_id`] = `is not a chain of the structure (chains: ${chains.map((c) => c.id).join(', ')})`;
      return;
    }
    const polymer = chain.residues.filter((residue) => residue.polymer);
    const sequence = proteinSequenceOf(chain);
    const residues = new Set<number>();
    let filters = global;
    (entity.design_motifs as Untyped[] | undefined)?.forEach((motif, m) => {
      filters = filtersFrom(motif.filters, global, `${at}.design_motifs[${m}].filters`, problems);
      (motif.residues as number[]).forEach((residue, r) => {
        if (residue < 0 || residue >= polymer.length) problems[`${at}.design_motifs[${m}].residues[${r}]`] = `is ${residue}, outside chain ${chain.id} (residues 0–${polymer.length - 1})`;
        else residues.add(residue);
      });
    });
    if (residues.size === 0) {
      (entity.role === 'target' ? target : designedSide).push({ id: chain.id, type: 'protein', segments: [{ kind: 'fixed', sequence }] });
      return;
    }
    design.push({ chain: { id: chain.id, res_index: rangesOf([...residues].map((k) => polymer[k].labelSeq ?? k + 1)) } });
    designedSide.push({ id: chain.id, type: 'protein', segments: [{ kind: 'designed', min: residues.size, max: residues.size, filters }] });
  });
  if (design.length === 0 && Object.keys(problems).length === 0) problems.entities = 'have nothing to redesign: give design_motifs with residues';
  if (Object.keys(problems).length > 0) return { problems };

  const filters = designedSide.flatMap((chain) => chain.segments.flatMap((segment) => (segment.kind === 'designed' ? [segment.filters] : [])));
  const avoided = [...avoidedEverywhere(filters)].map((letter) => THREE_LETTER[letter]);
  const yamlText = toYaml({ entities: [{ file: { path: STRUCTURE_FILE, include: (body.entities as Untyped[]).map((entity) => ({ chain: { id: entity.chain_id } })), design } }] });
  const plan: DesignPlan = { shape: body.type, target, binders: [{ modality: 'custom_protein', chains: designedSide }] };
  return {
    plan,
    spec: {
      specs: [{ name: 'spec_0.yaml', yamlText, option: plan.binders[0] }],
      files: [{ name: STRUCTURE_FILE, data: file.data }],
      protocol: 'protein-anything',
      inverseFoldAvoid: '',
      postFilters: [filters[0]],
      steps: ['inverse_folding', 'folding', 'analysis'],
      extraArgs: ['--only_inverse_fold', '--inverse_fold_num_sequences', '1', ...(avoided.length ? ['--config', 'inverse_folding', `override.inverse_fold_args.inverse_fold_restriction=[${avoided.join(',')}]`] : [])],
    },
  };
}
