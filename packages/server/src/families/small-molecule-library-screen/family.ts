import { type JobInput, createSyntheticMoleculeScreenEngine } from '@boltz/engines';
import { quote } from '../../billing/prices.ts';
import { ALL_PIPELINE_OPERATIONS, type PipelineFamily } from '../family.ts';
import { EXAMPLE_TARGET, SMALL_MOLECULE_PIPELINE, checkMoleculeRequest } from '../common/small-molecule.ts';
import { SYNTHETIC_PIPELINE_TIMING } from '../common/test-timing.ts';
import { MoleculeScreenStartBody } from './start-body.ts';
import { smallMoleculeScreenAdapter } from '@boltz/engines';
import { boltzScreenEngine } from '../common/live-engines.ts';

type Input = JobInput<'small_molecule_library_screen'>;

/**
 * Small-molecule library screen (spec/API.md §10): each submitted molecule scored against the
 * target. Invalid and filtered molecules are counted in `rejection_summary`, never scored or
 * billed: the estimate and the reservation cover every submitted molecule, the settlement only
 * the scored ones. Invalid SMILES are not a 4xx: counting them is part of the screen.
 */
export const SMALL_MOLECULE_LIBRARY_SCREEN: PipelineFamily<'small_molecule_library_screen'> = {
  ...SMALL_MOLECULE_PIPELINE,
  kind: 'small_molecule_library_screen',
  application: 'small_molecule_library_screen',
  path: 'small-molecule/library-screen',
  sdkResource: 'smallMolecule.libraryScreen',
  tag: 'Small-molecule library screen',
  noun: 'Small-molecule library screen',
  idPrefix: 'sm_scr_',
  operations: ALL_PIPELINE_OPERATIONS,
  startBody: MoleculeScreenStartBody,
  example: {
    molecules: [
      { smiles: 'Cc1ccc(NC(=O)c2ccc(CN3CCN(C)CC3)cc2)cc1Nc1nccc(-c2cccnc2)n1', id: 'imatinib' },
      { smiles: 'CC(=O)Oc1ccccc1C(=O)O', id: 'aspirin' },
    ],
    target: EXAMPLE_TARGET,
  },
  inputOf: ({ idempotency_key: _key, workspace_id: _workspace, ...input }) => input as Input,
  checkInput: (input, chemistry) => checkMoleculeRequest(input, chemistry),
  // Unit = scored molecule; at most every submitted one (spec/API.md §10).
  quote: (prices, input) => quote(prices, 'small_molecule_library_screen', { numUnits: (input.molecules as unknown[]).length }),
  fileInputs: () => [],
  initialProgress: (input) => ({ num_molecules_screened: 0, num_molecules_failed: 0, total_molecules_to_screen: (input.molecules as unknown[]).length }),
  candidateListField: 'molecules',
  engines: {
    test: (timing) => createSyntheticMoleculeScreenEngine({ timing: SYNTHETIC_PIPELINE_TIMING[timing] }),
    live: (config) => boltzScreenEngine(smallMoleculeScreenAdapter, config),
  },
};
