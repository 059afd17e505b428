import type Boltz from 'boltz-api';
import type { RunType } from '../downloads/run-type.ts';
import type { SdkCall, SdkListCall } from './api-command.ts';

/**
 * The six pipeline families (CLI.md §1, API.md §10) as data: everything their commands differ in.
 * `pipelines.ts` builds the commands from this table and `download-results` finds a run's SDK
 * resource here, so adding a family is adding one entry.
 */

interface WorkspaceQuery {
  workspace_id?: string;
}

interface PageQuery extends WorkspaceQuery {
  after_id?: string;
  before_id?: string;
  limit?: number;
}

/**
 * The methods the six SDK resources share (`client.protein.design`, `client.smallMolecule.explore`,
 * …). Bodies are typed `never` because each resource has its own params type; the server
 * validates them (the CLI sends what the user wrote, CLI.md §1.1). Methods only some resources
 * have are optional, and `verbs` says which ones a family offers.
 */
export interface PipelineSdk {
  start(body: never): SdkCall & PromiseLike<{ id: string; workspace_id: string }>;
  retrieve(id: string, query?: WorkspaceQuery): SdkCall;
  list?(query?: PageQuery): SdkListCall;
  listResults(id: string, query?: PageQuery & { ids?: string }): SdkListCall;
  stop(id: string): SdkCall;
  resume(id: string): SdkCall;
  deleteData?(id: string): SdkCall;
  estimateCost?(body: never): SdkCall;
  listCuratedSpecifications?(query: { type: 'nanobody' | 'antibody' }): SdkCall;
}

export type PipelineVerb = 'list' | 'delete-data' | 'estimate-cost' | 'list-curated-specifications';

/** One top-level field of a start body; the CLI offers `--<flag>` and `--input.<field>` for it. */
export interface BodyField {
  /** API name (`num_proteins`). */
  field: string;
  /** Array fields get a singular repeatable flag (`--entity` → `entities`); others the kebab name. */
  flag?: string;
  type: 'object' | 'integer' | 'string';
  repeatable?: boolean;
  choices?: readonly string[];
  description: string;
}

/**
 * A request shape of a union body, picked by the body's `type` (none = the shape without one).
 * Missing fields are reported in the order of `fields`, as the official CLI lists its flags.
 */
export interface BodyShape {
  type?: string;
  required: readonly string[];
}

export interface PipelineFamily {
  resource: string;
  runType: RunType;
  summary: string;
  /** "design run", for help texts. */
  noun: string;
  /** Verbs beyond start/run/retrieve/list-results/stop/resume, which every family has. */
  verbs: readonly PipelineVerb[];
  fields: readonly BodyField[];
  shapes: readonly BodyShape[];
  /** A `start` example line (the official skills' form: one payload file). */
  example: string;
  sdk(client: Boltz): PipelineSdk;
}

const ALL_VERBS: readonly PipelineVerb[] = ['list', 'delete-data', 'estimate-cost'];

const proteinTarget: BodyField = {
  field: 'target',
  type: 'object',
  description:
    'the target: {type: structure_template, structure: {type: base64, media_type: chemical/x-cif, data: @data:///abs/target.cif}, chain_selection: {A: {chain_type: polymer, crop_residues: all}}} or {type: no_template, entities: [...]}',
};

const designFilters: BodyField = {
  field: 'global_design_filters',
  flag: 'global-design-filter',
  type: 'object',
  repeatable: true,
  description: "a filter applied to every designed region (default: no cysteine; --input '{global_design_filters: []}' disables them)",
};

const moleculeTarget: BodyField = {
  field: 'target',
  type: 'object',
  description: 'the protein target: {entities: [{type: protein, chain_ids: [A], value: MKT…}], pocket_residues: {A: [10, 11]}, reference_ligands: [...]}',
};

const moleculeFilters: BodyField = {
  field: 'molecule_filters',
  type: 'object',
  description: '{boltz_smarts_catalog_filter_level: recommended|extra|aggressive|disabled, custom_filters: [...]}',
};

export const PIPELINE_FAMILIES: readonly PipelineFamily[] = [
  {
    resource: 'protein:design',
    runType: 'protein_design',
    summary: 'Design new protein, peptide, antibody or nanobody binders for a target',
    noun: 'design run',
    verbs: [...ALL_VERBS, 'list-curated-specifications'],
    fields: [
      {
        field: 'binder_specification',
        type: 'object',
        description:
          'the binder: {type: no_template, modality: peptide, entities: [{type: designed_protein, chain_ids: [P], value: 8..12}]}, structure_template, boltz_curated ({binder: boltz_nanobody}) or uniformly_sampled_specifications',
      },
      { field: 'num_proteins', type: 'integer', description: 'number of designs to generate (10–1,000,000)' },
      proteinTarget,
      { field: 'type', type: 'string', choices: ['binder', 'generic'], description: 'request shape: binder (--binder and --template) or generic (--entity and --template); omit it for the --binder-specification shape' },
      { field: 'binder', type: 'object', description: 'the binder of a --type binder request' },
      { field: 'entities', flag: 'entity', type: 'object', repeatable: true, description: 'an entity of a --type generic request' },
      { field: 'bonds', flag: 'bond', type: 'object', repeatable: true, description: 'a covalent bond of a --type generic request' },
      { field: 'templates', flag: 'template', type: 'object', repeatable: true, description: 'a template structure (--type binder or generic)' },
      designFilters,
    ],
    shapes: [
      { required: ['binder_specification', 'num_proteins', 'target'] },
      { type: 'binder', required: ['binder', 'num_proteins', 'target', 'templates'] },
      { type: 'generic', required: ['entities', 'num_proteins', 'templates'] },
    ],
    example: 'boltz-api protein:design start --idempotency-key my-run --input @yaml:///abs/payload.yaml --raw-output --transform id',
    sdk: (client) => client.protein.design,
  },
  {
    resource: 'protein:library-screen',
    runType: 'protein_library_screen',
    summary: 'Screen existing proteins, peptides, antibodies or nanobodies against a target',
    noun: 'library screen',
    verbs: ALL_VERBS,
    fields: [
      { field: 'proteins', flag: 'protein', type: 'object', repeatable: true, description: 'a candidate to score: {entities: [{type: protein, chain_ids: [B], value: EVQLV…}], id: my-binder}' },
      proteinTarget,
    ],
    shapes: [{ required: ['proteins', 'target'] }],
    example: 'boltz-api protein:library-screen start --idempotency-key my-screen --input @yaml:///abs/payload.yaml --raw-output --transform id',
    sdk: (client) => client.protein.libraryScreen,
  },
  {
    resource: 'protein:sequence-redesign',
    runType: 'protein_sequence_redesign',
    summary: 'Redesign selected residues of proteins in a fixed input structure',
    noun: 'sequence redesign run',
    verbs: ALL_VERBS,
    fields: [
      { field: 'entities', flag: 'entity', type: 'object', repeatable: true, description: 'a chain of the input CIF and the residues to redesign (every chain exactly once)' },
      { field: 'num_proteins', type: 'integer', description: 'number of unique filter-passing redesigned proteins to generate' },
      { field: 'structure', type: 'object', description: 'the input CIF: {type: base64, media_type: chemical/x-cif, data: @data:///abs/complex.cif} or {type: url, url: …}' },
      { field: 'type', type: 'string', choices: ['binder', 'generic'], description: 'binder (chains assigned as target or binder) or generic' },
      designFilters,
    ],
    shapes: [
      { type: 'binder', required: ['type', 'num_proteins', 'structure', 'entities'] },
      { type: 'generic', required: ['type', 'num_proteins', 'structure', 'entities'] },
    ],
    example: 'boltz-api protein:sequence-redesign start --idempotency-key my-redesign --input @yaml:///abs/payload.yaml --raw-output --transform id',
    sdk: (client) => client.protein.sequenceRedesign,
  },
  {
    resource: 'small-molecule:design',
    runType: 'small_molecule_design',
    summary: 'Design new small molecules that bind a protein target',
    noun: 'design run',
    verbs: ALL_VERBS,
    fields: [
      { field: 'num_molecules', type: 'integer', description: 'number of molecules to generate' },
      moleculeTarget,
      { field: 'chemical_space', type: 'string', choices: ['enamine_real', 'none'], description: 'chemical space to design in: enamine_real (default) or none' },
      moleculeFilters,
    ],
    shapes: [{ required: ['num_molecules', 'target'] }],
    example: 'boltz-api small-molecule:design start --idempotency-key my-design --input @yaml:///abs/payload.yaml --raw-output --transform id',
    sdk: (client) => client.smallMolecule.design,
  },
  {
    resource: 'small-molecule:library-screen',
    runType: 'small_molecule_library_screen',
    summary: 'Screen a list of small molecules (SMILES) against a protein target',
    noun: 'library screen',
    verbs: ALL_VERBS,
    fields: [
      { field: 'molecules', flag: 'molecule', type: 'object', repeatable: true, description: 'a molecule to score: {smiles: CCO, id: ethanol}' },
      moleculeTarget,
      moleculeFilters,
    ],
    shapes: [{ required: ['molecules', 'target'] }],
    example: 'boltz-api small-molecule:library-screen start --idempotency-key my-screen --input @yaml:///abs/payload.yaml --raw-output --transform id',
    sdk: (client) => client.smallMolecule.libraryScreen,
  },
  {
    resource: 'small-molecule:explore',
    runType: 'small_molecule_explore',
    summary: 'Explore a large CSV/TSV molecule library against a target, scoring a budget of molecules',
    noun: 'exploration',
    verbs: [],
    fields: [
      { field: 'budget', type: 'integer', description: 'number of library molecules to score (at most the accepted library size)' },
      {
        field: 'library',
        type: 'object',
        description: 'the library: {format: csv, smiles_column: smiles, id_column: id, source: {type: base64, data: @data:///abs/library.csv} or {type: url, url: …}}',
      },
      moleculeTarget,
      moleculeFilters,
    ],
    shapes: [{ required: ['budget', 'library', 'target'] }],
    example: 'boltz-api small-molecule:explore start --idempotency-key my-explore --input @yaml:///abs/payload.yaml --raw-output --transform id',
    sdk: (client) => client.smallMolecule.explore,
  },
];

export function pipelineFamilyForRunType(runType: RunType): PipelineFamily | undefined {
  return PIPELINE_FAMILIES.find((family) => family.runType === runType);
}
