import type { InputFile, JobError, ResultFiles } from './engine.ts';
import type { JobInput, PipelineKind, PipelineProgress, ProgressDraft, ResultDraft } from './job-types.ts';
import type { EngineProbe } from './live/probe.ts';

/**
 * The contract between the job runner and the engines of the pipeline families (spec/API.md §10):
 * a run produces result rows over hours, in batches. Each batch — rows, files, progress,
 * checkpoint, billed units — is committed by the runner in one transaction while it still holds
 * the job's lease, so a crash or a stop loses at most the batch in flight and never duplicates
 * or double-bills a row. A resumed or taken-over run starts again with `resultCount` and the
 * last committed `checkpoint`, and must continue from there.
 */
export interface PipelineRun<K extends PipelineKind> {
  id: string;
  kind: K;
  livemode: boolean;
  input: JobInput<K>;
  /** Decoded file inputs keyed by their input path (`templates[0]`, `structure`, `library.source`). */
  inputFiles: ReadonlyMap<string, InputFile>;
  /** A private scratch directory for this attempt, removed by the runner afterwards. */
  workDir: string;
  /** Rows committed so far: the index of the next row to produce. */
  resultCount: number;
  /** The checkpoint of the last committed batch (engine-defined JSON), or null. */
  checkpoint: unknown;
  /** Progress as last committed, or null before the first batch. */
  progress: PipelineProgress<K> | null;
}

export interface ResultBatch<K extends PipelineKind> {
  /** In production order; may be empty (a batch that only moves progress, e.g. failures). */
  results: Array<ResultDraft<K>>;
  progress: ProgressDraft<K>;
  /** What the engine needs to continue after this batch; omitted = unchanged. */
  checkpoint?: unknown;
  /** Units this batch bills (spec/API.md §10: per result produced; filtered molecules are free). */
  billedUnits: number;
}

/** Where a pipeline engine delivers its work. */
export interface ResultSink<K extends PipelineKind> {
  /** Stores the files of the rows of the next batch. */
  readonly files: ResultFiles;
  /**
   * Commits a batch. Rejects with `RunInterrupted` when the run was stopped or its lease lost:
   * the engine must then return at once (the batch was not committed).
   */
  commit(batch: ResultBatch<K>): Promise<void>;
}

export type PipelineOutcome = { status: 'succeeded' } | { status: 'failed'; error: JobError };

export interface PipelineEngine<K extends PipelineKind> {
  /** Engine version, kept on the job for metrics and support (the API shows the pipeline version). */
  readonly version: string;
  /**
   * Fields of a schema-valid input this engine cannot honour, keyed by input path (→ 422 at
   * start, nothing created or billed; spec/PIPELINE-ENGINES.md §4.1). Input only: it runs
   * before the request's files are fetched.
   */
  admissionProblems?(input: JobInput<K>): Record<string, string>;
  /** Live engines: is the executable there, which version, are its weights reachable (start-up and `/readyz`). */
  probe?(): EngineProbe;
  /** Live engines, at start-up: end engine processes that a server killed mid-run left running; returns how many. */
  endOrphanedProcesses?(): Promise<number>;
  /** Must return promptly once `signal` aborts (stop, lease lost, shutdown). */
  run(run: PipelineRun<K>, sink: ResultSink<K>, signal: AbortSignal): Promise<PipelineOutcome>;
  /** Re-creates, byte for byte, a file the engine deferred (`ResultFiles.defer`); required of engines that defer. */
  renderFile?(run: Pick<PipelineRun<K>, 'id' | 'input' | 'inputFiles'>, recipe: string): Promise<Buffer>;
}

/** The run was stopped, taken over or handed back while the engine worked: nothing more is committed. */
export class RunInterrupted extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RunInterrupted';
  }
}
