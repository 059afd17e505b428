/**
 * The contract between the job runner (packages/server) and the engines. An engine turns one
 * validated prediction input into the API `output` (spec/API.md §8.2, §9) or a job `error`.
 *
 * Files: an engine never builds URLs. It stores each result file through `ResultFiles.put` and
 * places the returned `StoredFile` wherever the API shows a File object; when a job is read,
 * the server replaces every object that has a `file_id` with a fresh presigned
 * `{url, url_expires_at}`.
 */
import type { JobInput, PredictionKind } from './job-types.ts';

export interface StoredFile {
  file_id: string;
  filename: string;
  media_type: string;
  size: number;
}

export interface ResultFiles {
  put(filename: string, data: Buffer, mediaType: string): Promise<StoredFile>;
  /**
   * A file the engine can re-create byte for byte on demand (test mode): nothing is stored, and
   * a download asks the engine's `renderFile(recipe)` for the bytes. Free test-mode runs of a
   * million results thus cost rows, not gigabytes.
   */
  defer(filename: string, mediaType: string, recipe: string): StoredFile;
}

/** An input file the server has already fetched or decoded (custom MSA, template structure). */
export interface InputFile {
  data: Buffer;
  mediaType: string;
}

/** One prediction job; a union over the kinds, so testing `kind` narrows `input`. */
export type PredictionJob<K extends PredictionKind = PredictionKind> = K extends unknown ? PredictionJobOf<K> : never;

interface PredictionJobOf<K extends PredictionKind> {
  id: string;
  kind: K;
  livemode: boolean;
  /** The validated API `input` object, as the client sent it. */
  input: JobInput<K>;
  /**
   * Decoded file inputs keyed by their input path (`input.templates[0].template_structure`,
   * `input.entities[2].msa`), so engines never fetch anything themselves.
   */
  inputFiles: ReadonlyMap<string, InputFile>;
  /** A private scratch directory for this attempt, removed by the runner afterwards. */
  workDir: string;
}

export interface JobError {
  code: string;
  message: string;
  details?: Record<string, string>;
}

export type EngineOutcome =
  | { status: 'succeeded'; output: unknown; version: string }
  | { status: 'failed'; error: JobError; version: string };

export interface PredictionEngine {
  /** Reported as the job's `version`, e.g. `synthetic-1` or `boltz2 (boltz 2.2.0)`. */
  readonly version: string;
  supports(kind: PredictionKind): boolean;
  /** Must stop promptly (and fail with `timeout`) when `signal` aborts. */
  run(job: PredictionJob, files: ResultFiles, signal: AbortSignal): Promise<EngineOutcome>;
}
