/**
 * What crosses the boundary between the server and the engines, per job family: the validated
 * input, and for pipelines the result row and progress object. Every type is the official SDK's
 * (`boltz-api`, the final word on the wire shapes), so an engine and the server agree with the
 * clients at compile time and no `any` crosses the package boundary.
 */
import type { JobKind } from '@boltz/shared';
import type { AdmeStartParams } from 'boltz-api/resources/predictions/adme';
import type { StructureAndBindingStartParams } from 'boltz-api/resources/predictions/structure-and-binding';
import type { DesignListResultsResponse as ProteinDesignResult, DesignRetrieveResponse as ProteinDesignRun, DesignStartParams as ProteinDesignStartParams } from 'boltz-api/resources/protein/design';
import type {
  LibraryScreenListResultsResponse as ProteinScreenResult,
  LibraryScreenRetrieveResponse as ProteinScreenRun,
  LibraryScreenStartParams as ProteinScreenStartParams,
} from 'boltz-api/resources/protein/library-screen';
import type {
  SequenceRedesignListResultsResponse as RedesignResult,
  SequenceRedesignRetrieveResponse as RedesignRun,
  SequenceRedesignStartParams as RedesignStartParams,
} from 'boltz-api/resources/protein/sequence-redesign';
import type {
  DesignListResultsResponse as MoleculeDesignResult,
  DesignRetrieveResponse as MoleculeDesignRun,
  DesignStartParams as MoleculeDesignStartParams,
} from 'boltz-api/resources/small-molecule/design';
import type { ExploreListResultsResponse as ExploreResult, ExploreRetrieveResponse as ExploreRun, ExploreStartParams } from 'boltz-api/resources/small-molecule/explore';
import type {
  LibraryScreenListResultsResponse as MoleculeScreenResult,
  LibraryScreenRetrieveResponse as MoleculeScreenRun,
  LibraryScreenStartParams as MoleculeScreenStartParams,
} from 'boltz-api/resources/small-molecule/library-screen';
import type { StoredFile } from './engine.ts';

export type PredictionKind = 'structure_and_binding' | 'adme';
export type PipelineKind = Exclude<JobKind, PredictionKind>;

/** A pipeline's `input`: its start body without the fields that only steer the request. */
type PipelineInputOf<Start> = Start extends unknown ? Omit<Start, 'idempotency_key' | 'workspace_id'> : never;

/** Input of each family as the engine receives it: validated, file inputs still in place. */
export interface JobInputs {
  structure_and_binding: StructureAndBindingStartParams['input'];
  adme: AdmeStartParams['input'];
  protein_design: PipelineInputOf<ProteinDesignStartParams>;
  protein_library_screen: PipelineInputOf<ProteinScreenStartParams>;
  protein_sequence_redesign: PipelineInputOf<RedesignStartParams>;
  small_molecule_design: PipelineInputOf<MoleculeDesignStartParams>;
  small_molecule_library_screen: PipelineInputOf<MoleculeScreenStartParams>;
  small_molecule_explore: PipelineInputOf<ExploreStartParams>;
}
export type JobInput<K extends JobKind> = JobInputs[K];

/** One result row of each pipeline, as `GET …/{id}/results` shows it. */
export interface PipelineResults {
  protein_design: ProteinDesignResult;
  protein_library_screen: ProteinScreenResult;
  protein_sequence_redesign: RedesignResult;
  small_molecule_design: MoleculeDesignResult;
  small_molecule_library_screen: MoleculeScreenResult;
  small_molecule_explore: ExploreResult;
}

/** The `progress` object of each pipeline's run. */
export interface PipelineProgresses {
  protein_design: ProteinDesignRun.Progress;
  protein_library_screen: ProteinScreenRun.Progress;
  protein_sequence_redesign: RedesignRun.Progress;
  small_molecule_design: MoleculeDesignRun.Progress;
  small_molecule_library_screen: MoleculeScreenRun.Progress;
  small_molecule_explore: ExploreRun.Progress;
}
export type PipelineProgress<K extends PipelineKind> = PipelineProgresses[K];

type DistributiveOmit<T, Keys extends PropertyKey> = T extends unknown ? Omit<T, Keys> : never;

/** Files of a result row while it is produced: stored references, presigned when read. */
export interface ResultArtifacts {
  archive: StoredFile;
  structure?: StoredFile;
  ligand_structure?: StoredFile;
}

/**
 * A result row as an engine produces it: without `id` and `created_at` (the runner assigns
 * them when the row is committed) and with stored files in place of URLs.
 */
export type ResultDraft<K extends PipelineKind> = DistributiveOmit<PipelineResults[K], 'id' | 'created_at' | 'artifacts'> & {
  artifacts: ResultArtifacts;
};

/** Progress as an engine reports it; the runner adds `latest_result_id`. */
export type ProgressDraft<K extends PipelineKind> = DistributiveOmit<PipelineProgress<K>, 'latest_result_id'>;
