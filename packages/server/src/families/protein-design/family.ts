import { type DesignPlan, type InputFile, type JobInput, chainLengthRange, createBoltzGenEngine, createSyntheticProteinDesignEngine, planProteinDesign } from '@boltz/engines';
import type { Chemistry } from '@boltz/chemistry';
import { quote } from '../../billing/prices.ts';
import { ALL_PIPELINE_OPERATIONS, type PipelineFamily } from '../family.ts';
import { type FoundFileInput, structureMediaTypes } from '../common/file-input.ts';
import { SYNTHETIC_PIPELINE_TIMING } from '../common/test-timing.ts';
import { ccdHeavyAtoms } from '../structure-and-binding/tokens.ts';
import listCuratedSpecifications from './curated-specifications.ts';
import { legacyDesignBody } from './examples.ts';
import { ProteinDesignStartBody } from './start-body.ts';

type Input = JobInput<'protein_design'>;
type Untyped = Record<string, any>;

/** Every uploaded structure of the request: `templates` of the binder/generic bodies, the legacy body's structures. */
function fileInputs(input: Input): FoundFileInput[] {
  const body = input as Untyped;
  const found: FoundFileInput[] = [];
  const add = (path: string, file: Untyped, echo?: Record<string, unknown>) => found.push({ path, file: file as never, allowedMediaTypes: structureMediaTypes(file as never), echo });
  if (body.type === 'binder' || body.type === 'generic') {
    (body.templates as Untyped[]).forEach((template, index) => add(`templates[${index}]`, template, { id: template.id }));
    return found;
  }
  if (body.target.type === 'structure_template') add('target.structure', body.target.structure);
  const binder = (spec: Untyped, path: string) => {
    if (spec.type === 'structure_template') add(`${path}.structure`, spec.structure);
    if (spec.type === 'uniformly_sampled_specifications') (spec.binder_specifications as Untyped[]).forEach((inner, i) => binder(inner, `${path}.binder_specifications[${i}]`));
  };
  binder(body.binder_specification, 'binder_specification');
  return found;
}

/** Tokens of the largest complex a design can be: target crop + the longest binder (spec/docs `## Cost`). */
function designTokens(plan: DesignPlan, chemistry: Chemistry): number {
  const tokens = (chain: DesignPlan['target'][number]) => {
    if (chain.type === 'ligand_ccd') return ccdHeavyAtoms(chain.value ?? '');
    if (chain.type === 'ligand_smiles') return chemistry.heavyAtomCount(chain.value ?? '') ?? 0;
    if (chain.type === 'glycan') return (chain.value ?? '').split(' ').reduce((sum, code) => sum + ccdHeavyAtoms(code), 0);
    return chainLengthRange(chain).max;
  };
  const target = plan.target.reduce((sum, chain) => sum + tokens(chain), 0);
  return target + Math.max(...plan.binders.map((option) => option.chains.reduce((sum, chain) => sum + tokens(chain), 0)));
}

function plan(input: Input, files: ReadonlyMap<string, InputFile>) {
  return planProteinDesign(input, files);
}

/** Protein design (spec/API.md §10): binders or generic proteins, one result per designed protein. */
export const PROTEIN_DESIGN: PipelineFamily<'protein_design'> = {
  type: 'pipeline',
  kind: 'protein_design',
  application: 'protein_design',
  path: 'protein/design',
  sdkResource: 'protein.design',
  tag: 'Protein design',
  noun: 'Protein design run',
  idPrefix: 'prot_des_',
  legacyIdPrefixes: [],
  pipeline: 'boltzprot',
  pipelineVersion: '1.0',
  operations: ALL_PIPELINE_OPERATIONS,
  startBody: ProteinDesignStartBody,
  example: legacyDesignBody(10),
  inputOf: ({ idempotency_key: _key, workspace_id: _workspace, ...input }) => input as Input,
  checkInput(input, _chemistry, files) {
    const planned = plan(input, files);
    return 'errors' in planned ? planned.errors : {};
  },
  // Unit = designed protein, priced per size tier of the complex (spec/API.md §7.4).
  quote(prices, input, chemistry, files) {
    const planned = plan(input, files);
    const tokens = 'errors' in planned ? 0 : designTokens(planned, chemistry);
    return quote(prices, 'protein_design', { numUnits: input.num_proteins, tokens });
  },
  fileInputs,
  initialProgress: (input) => ({ num_proteins_generated: 0, total_proteins_to_generate: input.num_proteins }),
  testPendingMs: { instant: 0, fast: 100, realistic: 10_000 },
  engines: {
    test: (timing) => createSyntheticProteinDesignEngine(SYNTHETIC_PIPELINE_TIMING[timing]),
    live: ({ boltzGenEngine: config }) =>
      config &&
      createBoltzGenEngine({
        executable: config.executable,
        workRoot: config.workDir,
        cacheDir: config.cacheDir,
        checkpointDir: config.checkpointDir,
        nanobodyScaffolds: config.nanobodyScaffolds,
        chunkDesigns: config.chunkDesigns,
        chunkTimeoutMs: config.chunkTimeoutMs,
        devices: config.devices,
        logDir: config.logDir,
      }),
  },
  extraRoutes: [listCuratedSpecifications],
};
