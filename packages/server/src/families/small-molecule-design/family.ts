import { type JobInput, createSyntheticMoleculeDesignEngine } from '@boltz/engines';
import { quote } from '../../billing/prices.ts';
import { ALL_PIPELINE_OPERATIONS, type PipelineFamily } from '../family.ts';
import { EXAMPLE_TARGET, SMALL_MOLECULE_PIPELINE, checkMoleculeRequest } from '../common/small-molecule.ts';
import { SYNTHETIC_PIPELINE_TIMING } from '../common/test-timing.ts';
import { MoleculeDesignStartBody } from './start-body.ts';
import { contractEngine } from '../common/live-engines.ts';

type Input = JobInput<'small_molecule_design'>;

/**
 * Small-molecule design (spec/API.md §10): `num_molecules` new molecules against a protein
 * target, one result row and one billed unit each. Test mode assembles them from fragments
 * (packages/chemistry molecule-generator.ts) whatever `chemical_space` says; no open-source
 * engine exists, so live starts answer 501.
 */
export const SMALL_MOLECULE_DESIGN: PipelineFamily<'small_molecule_design'> = {
  ...SMALL_MOLECULE_PIPELINE,
  kind: 'small_molecule_design',
  application: 'small_molecule_design',
  path: 'small-molecule/design',
  sdkResource: 'smallMolecule.design',
  tag: 'Small-molecule design',
  noun: 'Small-molecule design run',
  idPrefix: 'sm_des_',
  operations: ALL_PIPELINE_OPERATIONS,
  startBody: MoleculeDesignStartBody,
  example: { num_molecules: 10, target: EXAMPLE_TARGET, molecule_filters: { boltz_smarts_catalog_filter_level: 'recommended' } },
  inputOf: ({ idempotency_key: _key, workspace_id: _workspace, ...input }) => input as Input,
  checkInput: (input, chemistry) => checkMoleculeRequest(input, chemistry),
  // Unit = designed molecule (spec/API.md §10).
  quote: (prices, input) => quote(prices, 'small_molecule_design', { numUnits: input.num_molecules }),
  fileInputs: () => [],
  initialProgress: (input) => ({ num_molecules_generated: 0, total_molecules_to_generate: input.num_molecules }),
  engines: {
    test: (timing) => createSyntheticMoleculeDesignEngine({ timing: SYNTHETIC_PIPELINE_TIMING[timing] }),
    live: (config) => contractEngine('small_molecule_design', config),
  },
};
