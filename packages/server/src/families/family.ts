import type { TSchema } from 'typebox';
import type { Chemistry } from '@boltz/chemistry';
import type { InputFile, JobInput, PipelineEngine, PipelineKind, PredictionEngine, PredictionKind, ProgressDraft } from '@boltz/engines';
import type { JobKind } from '@boltz/shared';
import type { Application, PriceTable, Quote } from '../billing/prices.ts';
import type { ErrorDetails } from '../errors.ts';
import type { JobsConfig, TestTiming } from '../jobs/config.ts';
import type { App } from '../services.ts';
import type { FoundFileInput } from './common/file-input.ts';

/** Decoded file inputs of a request, keyed by their input path. */
export type InputFiles = ReadonlyMap<string, InputFile>;

/** A file input too large to hold (`FoundFileInput.streamed`): its bytes, read again on each call. */
export interface StreamedInputFile {
  mediaType: string;
  size: number;
  chunks(): AsyncIterable<Uint8Array>;
}

export type StreamedInputFiles = ReadonlyMap<string, StreamedInputFile>;

/**
 * Everything a job family differs in (spec/API.md §8–§10), declared once in the family's folder
 * and listed in the registry (./registry.ts). The job machinery — start, queue, runner, files,
 * money, routes, retention — reads the family and is otherwise the same for all of them, so a
 * new family is a folder and one registry line.
 */
interface FamilyCommon<K extends JobKind> {
  kind: K;
  /** Metered application (spec/API.md §5.3) of its usage and estimates. */
  application: Application;
  /** Path under `/compute/v1/`, e.g. `protein/design`: also the SDK resource, `protein.design`. */
  path: string;
  sdkResource: string;
  /** OpenAPI tag and the noun of messages (`Protein design run prot_des_… not found`). */
  tag: string;
  noun: string;
  idPrefix: string;
  /** Older prefixes whose ids still resolve (spec/API.md §7.7: `pred_` → `sab_pred_`). */
  legacyIdPrefixes: readonly string[];
  /** The start (and estimate-cost) body: shape and documented limits, validated before the handler. */
  startBody: TSchema;
  /** A valid start body: the OpenAPI example, and what the generated route suites start from. */
  example: Record<string, unknown>;
  /** The job's `input` as stored, echoed and handed to the engine, taken from a start body. */
  inputOf(body: Record<string, unknown>): JobInput<K>;
  /**
   * Semantic problems of a schema-valid input, keyed by path (→ 422); empty when none. `files`
   * holds the decoded file inputs by path (a template's chains), `streamed` those read as a
   * stream from storage (an explore library's records). Runs in
   * the request worker pool; may be async (a library file is read as a stream).
   */
  checkInput(input: JobInput<K>, chemistry: Chemistry, files: InputFiles, streamed: StreamedInputFiles): ErrorDetails | Promise<ErrorDetails>;
  quote(prices: PriceTable, input: JobInput<K>, chemistry: Chemistry, files: InputFiles): Quote;
  /** Every file input of the input (URL or base64), fetched or decoded at start. */
  fileInputs(input: JobInput<K>): FoundFileInput[];
  /** How long a test-mode job waits in `pending` under each timing preset (ms). */
  testPendingMs: Record<TestTiming, number>;
  /**
   * What a live job of this input needs that the deployment does not set up (→ 422 naming the
   * setting), e.g. an MSA server for automatic MSAs; absent or empty when nothing is missing.
   */
  liveInputProblems?(input: JobInput<K>, config: JobsConfig): ErrorDetails;
}

/** A one-shot prediction: `pending → running → succeeded | failed`, one `output` (spec/API.md §8, §9). */
export interface PredictionFamily<K extends PredictionKind = PredictionKind> extends FamilyCommon<K> {
  type: 'prediction';
  /** The one accepted `model` value. */
  model: string;
  engines: {
    /** The synthetic engine of test mode; it may take longer for bigger inputs under `realistic`. */
    test(timing: TestTiming, input: JobInput<K>, chemistry: Chemistry): PredictionEngine;
    /** The deployment's live engine, undefined when none is configured (live starts → 501). */
    live(config: JobsConfig): PredictionEngine | undefined;
  };
}

/** The standard endpoints of a pipeline (spec/API.md §10); explore has only some of them. */
export type PipelineOperation = 'start' | 'retrieve' | 'list' | 'list-results' | 'stop' | 'resume' | 'delete-data' | 'estimate-cost';
export const ALL_PIPELINE_OPERATIONS: readonly PipelineOperation[] = ['start', 'retrieve', 'list', 'list-results', 'stop', 'resume', 'delete-data', 'estimate-cost'];

/**
 * A pipeline: a long-running job that streams result rows, stops and resumes, and is billed per
 * result (spec/API.md §7.2, §10).
 */
export interface PipelineFamily<K extends PipelineKind = PipelineKind> extends FamilyCommon<K> {
  type: 'pipeline';
  /** `pipeline` / `pipeline_version` of the run resource (and their deprecated copies `engine` / `engine_version`). */
  pipeline: string;
  pipelineVersion: string;
  operations: readonly PipelineOperation[];
  /** Progress of a run that has produced nothing yet. */
  initialProgress(input: JobInput<K>): ProgressDraft<K>;
  /**
   * The input field whose candidate list is echoed as one JSON file object (library screens:
   * `proteins`, `molecules`; spec/API.md §7.2); the engine receives the list itself.
   */
  candidateListField?: string;
  engines: {
    test(timing: TestTiming): PipelineEngine<K>;
    live(config: JobsConfig): PipelineEngine<K> | undefined;
  };
  /** Endpoints only this family has, e.g. protein design's curated specifications. */
  extraRoutes?: ReadonlyArray<(app: App) => void>;
}

export type Family = PredictionFamily | PipelineFamily;

/** `pred_X` is the legacy spelling of `sab_pred_X`. */
export function canonicalJobId(family: Family, id: string): string {
  for (const legacy of family.legacyIdPrefixes) {
    if (id.startsWith(legacy) && !id.startsWith(family.idPrefix)) return family.idPrefix + id.slice(legacy.length);
  }
  return id;
}
