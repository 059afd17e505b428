import type { Chemistry } from '@boltz/chemistry';
import { type InputFile, type JobInput, type RedesignPlan, createSyntheticSequenceRedesignEngine, planSequenceRedesign } from '@boltz/engines';
import { quote } from '../../billing/prices.ts';
import { ALL_PIPELINE_OPERATIONS, type PipelineFamily } from '../family.ts';
import type { FoundFileInput } from '../common/file-input.ts';
import { plannedTokens } from '../common/planned-tokens.ts';
import { pipelineInputOf, planErrors } from '../common/pipeline-input.ts';
import { SYNTHETIC_PIPELINE_PENDING_MS, SYNTHETIC_PIPELINE_TIMING } from '../common/test-timing.ts';
import { binderRedesignBody } from './examples.ts';
import { SequenceRedesignStartBody } from './start-body.ts';
import { createBoltzGenRedesignEngine } from '@boltz/engines';
import { boltzGenOptions } from '../common/live-engines.ts';

type Input = JobInput<'protein_sequence_redesign'>;

/** The uploaded structure; the SDK takes CIF only, by URL or base64 (`chemical/x-cif`). */
function fileInputs(input: Input): FoundFileInput[] {
  return [{ path: 'structure', file: input.structure, allowedMediaTypes: ['chemical/x-cif'] }];
}

function plan(input: Input, files: ReadonlyMap<string, InputFile>) {
  return planSequenceRedesign(input, files);
}

/** Tokens of the redesigned complex: every chain of the structure (redesign keeps lengths). */
function redesignTokens(planned: RedesignPlan, chemistry: Chemistry): number {
  return plannedTokens(
    planned.chains.map((chain) => ({ id: chain.id, type: chain.type, segments: chain.sequence ? [{ kind: 'fixed' as const, sequence: chain.sequence }] : [], value: chain.value })),
    chemistry,
  );
}

/** Protein sequence redesign (spec/API.md §10): new sequences for chosen residues of a fixed structure, one result per distinct sequence. */
export const PROTEIN_SEQUENCE_REDESIGN: PipelineFamily<'protein_sequence_redesign'> = {
  type: 'pipeline',
  kind: 'protein_sequence_redesign',
  application: 'protein_redesign',
  path: 'protein/sequence-redesign',
  sdkResource: 'protein.sequenceRedesign',
  tag: 'Protein sequence redesign',
  noun: 'Protein sequence redesign run',
  idPrefix: 'prot_seq_',
  legacyIdPrefixes: [],
  pipeline: 'boltz-protein-redesign',
  pipelineVersion: 'v2026-07-14',
  operations: ALL_PIPELINE_OPERATIONS,
  startBody: SequenceRedesignStartBody,
  example: binderRedesignBody(10),
  inputOf: pipelineInputOf<Input>,
  checkInput: (input, _chemistry, files) => planErrors(plan(input, files)),
  // Unit = redesigned protein, priced per size tier of the complex (spec/API.md §7.4).
  quote(prices, input, chemistry, files) {
    const planned = plan(input, files);
    return quote(prices, 'protein_redesign', { numUnits: input.num_proteins, tokens: 'errors' in planned ? 0 : redesignTokens(planned, chemistry) });
  },
  fileInputs,
  initialProgress: (input) => ({ num_proteins_generated: 0, total_proteins_to_generate: input.num_proteins }),
  testPendingMs: SYNTHETIC_PIPELINE_PENDING_MS,
  engines: {
    test: (timing) => createSyntheticSequenceRedesignEngine(SYNTHETIC_PIPELINE_TIMING[timing]),
    live: ({ boltzGenEngine }) => boltzGenEngine && createBoltzGenRedesignEngine(boltzGenOptions(boltzGenEngine)),
  },
};
