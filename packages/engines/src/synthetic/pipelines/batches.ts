import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { tarGz } from '../../archive.ts';
import type { JobError } from '../../engine.ts';
import type { PipelineKind, ProgressDraft, ResultDraft } from '../../job-types.ts';
import type { PipelineEngine, PipelineRun } from '../../pipeline.ts';
import { SYNTHETIC_PIPELINE_VERSION, type SyntheticPipelineTiming, runBatches } from './batch-loop.ts';

/**
 * The engine of the test-mode pipelines whose work is a sequence of independent positions
 * (spec/API.md §10), on the shared batch loop (./batch-loop.ts): it walks the run's
 * positions in order — design k, candidate k, the k-th point of a redesign's sequence space —,
 * commits every `batchSize` finished positions as one batch through the ResultSink, and
 * continues after a stop, crash or take-over from the last committed checkpoint. Every position
 * is a deterministic function of (run id, position), so its files are not stored: they are
 * re-created from the same position when downloaded (`renderFile`).
 */
/** A result's files: the archive holds all three, `structure` the mmCIF alone. */
export interface ResultContents {
  cif: string;
  paeNpz: Buffer;
  metricsJson: Buffer;
}

export type ResultRow<K extends PipelineKind> = ResultDraft<K> extends infer Row ? (Row extends unknown ? Omit<Row, 'artifacts'> : never) : never;

/** What one position of a run gives. */
export type PositionOutcome<K extends PipelineKind> =
  | { kind: 'result'; row: ResultRow<K>; files: ResultContents }
  /** The work item failed (a screened candidate): it counts in progress, it bills nothing. */
  | { kind: 'failed' }
  /** Not an item at all (a sequence a filter rejects): the walk moves on. */
  | { kind: 'skipped' }
  /** No position is left before the run is complete: the run fails with `error`. */
  | { kind: 'exhausted'; error: JobError };

export interface SyntheticPipeline<K extends PipelineKind> {
  /** Results plus failures the run is complete at (`num_proteins`, the number of candidates). */
  total: number;
  at(position: number): Promise<PositionOutcome<K>>;
  progress(counts: { results: number; failed: number }): ProgressDraft<K>;
}

/** What the runner keeps between batches; `{next}` alone is the checkpoint of runs without failures. */
interface Checkpoint {
  next: number;
  failed?: number;
}

/** The run's input as a pipeline description is built from (also when a file is re-created). */
export type PipelineSource<K extends PipelineKind> = Pick<PipelineRun<K>, 'id' | 'input' | 'inputFiles'>;

const ARCHIVE = 'archive.tar.gz';
/** spec/API.md §10 names the structure `predicted_structure.cif` (see the archive layout there). */
const STRUCTURE = 'predicted_structure.cif';

/** The archive of a result: `result/{metrics.json, predicted_structure.cif, pae.npz}` (spec/API.md §10). */
export function resultArchive(files: ResultContents): Buffer {
  return tarGz([
    { path: 'result/metrics.json', data: files.metricsJson },
    { path: `result/${STRUCTURE}`, data: Buffer.from(files.cif) },
    { path: 'result/pae.npz', data: files.paeNpz },
  ]);
}

/** A pipeline engine from a pipeline description that is a pure function of the run's input and files. */
export function createSyntheticPipelineEngine<K extends PipelineKind>(
  timing: SyntheticPipelineTiming,
  pipelineOf: (run: PipelineSource<K>) => SyntheticPipeline<K>,
): PipelineEngine<K> {
  return {
    version: SYNTHETIC_PIPELINE_VERSION,
    async run(run, sink, signal) {
      const pipeline = pipelineOf(run);
      const saved = run.checkpoint as Checkpoint | null;
      let position = saved?.next ?? run.resultCount;
      let results = run.resultCount;
      let failed = saved?.failed ?? 0;
      let exhausted: JobError | undefined;
      return runBatches(timing, sink, signal, async () => {
        // A walk that ran out of positions commits what it finished, then fails.
        if (exhausted) return { error: exhausted };
        if (results + failed >= pipeline.total) return null;
        const rows: Array<ResultDraft<K>> = [];
        let batchFailed = 0;
        while (rows.length + batchFailed < timing.batchSize && results + rows.length + failed + batchFailed < pipeline.total) {
          const outcome = await pipeline.at(position);
          if (outcome.kind === 'exhausted') {
            exhausted = outcome.error;
            break;
          }
          if (outcome.kind === 'result') {
            const artifacts = {
              archive: sink.files.defer(ARCHIVE, 'application/gzip', `${position}/archive`),
              structure: sink.files.defer(STRUCTURE, 'chemical/x-cif', `${position}/structure`),
            };
            // TypeScript cannot see through the distributive row type of a generic K: the row is one of K's.
            rows.push({ ...outcome.row, artifacts } as unknown as ResultDraft<K>);
          } else if (outcome.kind === 'failed') batchFailed++;
          position++;
          // A long walk over skipped positions still lets the process breathe.
          if (outcome.kind === 'skipped' && position % 256 === 0) await yieldToEventLoop();
        }
        if (rows.length + batchFailed === 0) return exhausted ? { error: exhausted } : null;
        results += rows.length;
        failed += batchFailed;
        return { results: rows, progress: pipeline.progress({ results, failed }), checkpoint: { next: position, failed } satisfies Checkpoint, billedUnits: rows.length };
      });
    },
    async renderFile(run, recipe) {
      const [positionText, which] = recipe.split('/');
      const outcome = await pipelineOf(run).at(Number(positionText));
      if (outcome.kind !== 'result') throw new Error(`position ${positionText} of run ${run.id} has no result to render`);
      return which === 'structure' ? Buffer.from(outcome.files.cif) : resultArchive(outcome.files);
    },
  };
}

