import { type JobInput, createSyntheticProteinLibraryScreenEngine, planTarget } from '@boltz/engines';
import { quote } from '../../billing/prices.ts';
import { ALL_PIPELINE_OPERATIONS, type PipelineFamily } from '../family.ts';
import { type FoundFileInput, structureMediaTypes } from '../common/file-input.ts';
import { pipelineInputOf } from '../common/pipeline-input.ts';
import { SYNTHETIC_PIPELINE_PENDING_MS, SYNTHETIC_PIPELINE_TIMING } from '../common/test-timing.ts';
import { checkLibraryScreen, largestComplexTokens } from './check-input.ts';
import { libraryScreenBody } from './examples.ts';
import { ProteinLibraryScreenStartBody } from './start-body.ts';
import { proteinScreenAdapter } from '@boltz/engines';
import { boltzScreenEngine } from '../common/live-engines.ts';

type Input = JobInput<'protein_library_screen'>;

/** The target's uploaded structure, when the target is a structure template. */
function fileInputs(input: Input): FoundFileInput[] {
  if (input.target.type !== 'structure_template') return [];
  return [{ path: 'target.structure', file: input.target.structure, allowedMediaTypes: structureMediaTypes(input.target.structure) }];
}

/** Protein library screen (spec/API.md §10): each submitted candidate folded with the target and scored, one result per candidate. */
export const PROTEIN_LIBRARY_SCREEN: PipelineFamily<'protein_library_screen'> = {
  type: 'pipeline',
  kind: 'protein_library_screen',
  application: 'protein_library_screen',
  path: 'protein/library-screen',
  sdkResource: 'protein.libraryScreen',
  tag: 'Protein library screen',
  noun: 'Protein library screen',
  idPrefix: 'prot_scr_',
  legacyIdPrefixes: [],
  pipeline: 'boltzprot',
  pipelineVersion: '1.0',
  operations: ALL_PIPELINE_OPERATIONS,
  startBody: ProteinLibraryScreenStartBody,
  example: libraryScreenBody(),
  inputOf: pipelineInputOf<Input>,
  checkInput: checkLibraryScreen,
  // Unit = submitted candidate, priced at the size tier of the largest complex (spec/API.md §7.4);
  // a candidate that fails is not billed.
  quote(prices, input, chemistry, files) {
    const target = planTarget(input.target, files);
    return quote(prices, 'protein_library_screen', { numUnits: input.proteins.length, tokens: 'errors' in target ? 0 : largestComplexTokens(input, chemistry, target) });
  },
  fileInputs,
  candidateListField: 'proteins',
  initialProgress: (input) => ({ num_proteins_screened: 0, num_proteins_failed: 0, total_proteins_to_screen: input.proteins.length }),
  testPendingMs: SYNTHETIC_PIPELINE_PENDING_MS,
  engines: {
    test: (timing) => createSyntheticProteinLibraryScreenEngine(SYNTHETIC_PIPELINE_TIMING[timing]),
    live: (config) => boltzScreenEngine(proteinScreenAdapter, config),
  },
};
