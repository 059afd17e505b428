import { EXPLORE_LIBRARY_PATH, type JobInput, createSyntheticExploreEngine } from '@boltz/engines';
import { quote } from '../../billing/prices.ts';
import type { PipelineFamily } from '../family.ts';
import { EXAMPLE_TARGET, SMALL_MOLECULE_PIPELINE, checkMoleculeRequest } from '../common/small-molecule.ts';
import { SYNTHETIC_PIPELINE_TIMING } from '../common/test-timing.ts';
import { LIBRARY_MEDIA_TYPE, checkLibrary } from './check-library.ts';
import { ExploreStartBody } from './start-body.ts';
import { contractEngine } from '../common/live-engines.ts';

type Input = JobInput<'small_molecule_explore'>;

/** A small library for the OpenAPI example and the generated route suites. */
const EXAMPLE_LIBRARY = ['smiles,id', 'Cc1ccc(NC(=O)c2ccc(CN3CCN(C)CC3)cc2)cc1Nc1nccc(-c2cccnc2)n1,imatinib', 'CC(=O)Oc1ccccc1C(=O)O,aspirin', 'CC(C)Cc1ccc(cc1)C(C)C(=O)O,ibuprofen', ''].join('\n');

/**
 * Small-molecule explore (spec/API.md §10): `budget` molecules of a CSV/TSV library chosen and
 * scored in order of promise. Only the SDK's five methods exist (no list, delete-data or
 * estimate-cost); usage is metered as `small_molecule_library_screen`, one unit per scored
 * molecule.
 */
export const SMALL_MOLECULE_EXPLORE: PipelineFamily<'small_molecule_explore'> = {
  ...SMALL_MOLECULE_PIPELINE,
  kind: 'small_molecule_explore',
  application: 'small_molecule_library_screen',
  path: 'small-molecule/explore',
  sdkResource: 'smallMolecule.explore',
  tag: 'Small-molecule explore',
  noun: 'Small-molecule explore run',
  idPrefix: 'sm_exp_',
  operations: ['start', 'retrieve', 'list-results', 'stop', 'resume'],
  startBody: ExploreStartBody,
  example: {
    budget: 2,
    library: { format: 'csv', source: { type: 'base64', data: Buffer.from(EXAMPLE_LIBRARY).toString('base64'), media_type: 'text/csv' } },
    target: EXAMPLE_TARGET,
  },
  inputOf: ({ idempotency_key: _key, workspace_id: _workspace, ...input }) => input as Input,
  async checkInput(input, chemistry, _files, streamed) {
    return { ...(await checkMoleculeRequest(input, chemistry)), ...(await checkLibrary(input, streamed.get(EXPLORE_LIBRARY_PATH))) };
  },
  // Unit = scored molecule, at most `budget`.
  quote: (prices, input) => quote(prices, 'small_molecule_library_screen', { numUnits: input.budget }),
  fileInputs: (input) => [{ path: EXPLORE_LIBRARY_PATH, file: input.library.source, allowedMediaTypes: [LIBRARY_MEDIA_TYPE[input.library.format]], streamed: true }],
  initialProgress: (input) => ({ phase: 'preparing_library', num_molecules_scored: 0, num_molecules_failed: 0, total_molecules_to_score: input.budget }),
  engines: {
    test: (timing) => createSyntheticExploreEngine({ timing: SYNTHETIC_PIPELINE_TIMING[timing] }),
    live: (config) => contractEngine('small_molecule_explore', config),
  },
};
