import { type DesignPlan, type InputFile, type JobInput, chainLengthRange, createBoltzGenEngine, createSyntheticProteinDesignEngine, planProteinDesign } from '@boltz/engines';
import type { Chemistry } from '@boltz/chemistry';
import { quote } from '../../billing/prices.ts';
import { ALL_PIPELINE_OPERATIONS, type PipelineFamily } from '../family.ts';
import { type FoundFileInput, structureMediaTypes } from '../common/file-input.ts';
import { pipelineInputOf, planErrors } from '../common/pipeline-input.ts';
import { SYNTHETIC_PIPELINE_PENDING_MS, SYNTHETIC_PIPELINE_TIMING } from '../common/test-timing.ts';
import { plannedTokens } from '../common/planned-tokens.ts';
import listCuratedSpecifications from './curated-specifications.ts';
import { legacyDesignBody } from './examples.ts';
import { ProteinDesignStartBody } from './start-body.ts';
import { boltzGenOptions } from '../common/live-engines.ts';

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
  return plannedTokens(plan.target, chemistry) + Math.max(...plan.binders.map((option) => plannedTokens(option.chains, chemistry)));
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
  inputOf: pipelineInputOf<Input>,
  checkInput: (input, _chemistry, files) => planErrors(plan(input, files)),
  // Unit = designed protein, priced per size tier of the complex (spec/API.md §7.4).
  quote(prices, input, chemistry, files) {
    const planned = plan(input, files);
    const tokens = 'errors' in planned ? 0 : designTokens(planned, chemistry);
    return quote(prices, 'protein_design', { numUnits: input.num_proteins, tokens });
  },
  fileInputs,
  initialProgress: (input) => ({ num_proteins_generated: 0, total_proteins_to_generate: input.num_proteins }),
  testPendingMs: SYNTHETIC_PIPELINE_PENDING_MS,
  engines: {
    test: (timing) => createSyntheticProteinDesignEngine(SYNTHETIC_PIPELINE_TIMING[timing]),
    live: ({ boltzGenEngine }) => boltzGenEngine && createBoltzGenEngine(boltzGenOptions(boltzGenEngine)),
  },
  extraRoutes: [listCuratedSpecifications],
};
