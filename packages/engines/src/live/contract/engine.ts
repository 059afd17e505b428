import { spawnSync } from 'node:child_process';
import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tarGz } from '../../archive.ts';
import { classifyFailure } from '../../boltz/failure.ts';
import { EngineFailure } from '../../engine-failure.ts';
import type { JobError } from '../../engine.ts';
import type { JobInput, PipelineKind, ProgressDraft, ResultDraft } from '../../job-types.ts';
import type { PipelineEngine, PipelineOutcome, PipelineRun, ResultSink } from '../../pipeline.ts';
import { probeEngine, resolveExecutable } from '../probe.ts';
import { runPolled } from '../polled-process.ts';
import { RunFolders } from '../run-folders.ts';

/**
 * The executable contract, version 1 (docs/engine-contract.md): pipelines with no open-source
 * engine (small-molecule design and explore) run an operator's executable that follows it.
 *
 * - `EXE --describe` prints `{"contract": 1, "name", "version", "families": [...], "chemical_spaces"?: [...]}`.
 * - `EXE WORK_DIR` runs a run: `WORK_DIR/request.json` holds the input and the decoded input
 *   files' names; the executable writes each result as `results/<seq>.json` (seq = 0, 1, …,
 *   8 digits) and `progress.json`, each atomically (temp file, then rename), optionally a
 *   structure `results/<seq>/predicted_structure.cif`; exit 0 = done, non-zero = failed (last
 *   stderr line = message). SIGTERM to its process group stops it; the same command on the same
 *   folder resumes it and must not redo results that exist.
 *
 * The server commits results in seq order as they appear (polling), each batch with the latest
 * progress, and bills one unit per result.
 */
export const CONTRACT_VERSION = 1;

export interface ContractDescription {
  contract: number;
  name: string;
  version: string;
  families: string[];
  chemical_spaces?: string[];
}

export interface ContractEngineOptions<K extends PipelineKind> {
  kind: K;
  executable: string;
  workRoot: string;
  /** How often the results folder is read while the executable runs (default 1 s). */
  pollMs?: number;
  /** Per run attempt (default 24 hours). */
  timeoutMs?: number;
  /** Why a row the executable wrote is not a row of this family, or undefined. */
  checkRow?(row: Record<string, unknown>): string | undefined;
  logDir?: string;
}

/** `EXE --describe`, or why it cannot be read. */
export function describeExecutable(executable: string): ContractDescription | string {
  const result = spawnSync(executable, ['--describe'], { encoding: 'utf8', timeout: 20_000 });
  if (result.error) return `cannot run ${executable}: ${result.error.message}`;
  if (result.status !== 0) return `${executable} --describe exited with ${result.status}`;
  try {
    const description = JSON.parse(result.stdout) as ContractDescription;
    if (description.contract !== CONTRACT_VERSION) return `${executable} follows contract ${description.contract}, this server speaks ${CONTRACT_VERSION}`;
    return description;
  } catch {
    return `${executable} --describe did not print JSON`;
  }
}

const SEQ_DIGITS = 8;
const seqName = (seq: number) => String(seq).padStart(SEQ_DIGITS, '0');

/** Input paths (`library.source`) → safe file names in `WORK_DIR/files/`. */
const fileName = (path: string) => path.replace(/[^A-Za-z0-9._-]+/g, '_');

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function createContractEngine<K extends PipelineKind>(options: ContractEngineOptions<K>): PipelineEngine<K> {
  const described = resolveExecutable(options.executable) ? describeExecutable(options.executable) : `${options.executable} is not an executable file`;
  const description = typeof described === 'string' ? undefined : described;
  const version = description ? `${description.name} ${description.version} (contract ${CONTRACT_VERSION})` : `unknown (contract ${CONTRACT_VERSION})`;
  const folders = new RunFolders(options.workRoot);
  const pollMs = options.pollMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 24 * 3600 * 1000;
  const failed = (error: JobError): PipelineOutcome => ({ status: 'failed', error });
  const interrupted = failed({ code: 'interrupted', message: 'The run was interrupted.' });

  /** Commits every result file from `next` on that exists, in order, with the latest progress (nothing when nothing changed). */
  async function commitNew(folder: string, run: PipelineRun<K>, sink: ResultSink<K>, next: number, seen: { progress?: string }): Promise<number> {
    const results: Array<ResultDraft<K>> = [];
    for (let seq = next; ; seq++) {
      const row = (await readJson(join(folder, 'results', `${seqName(seq)}.json`))) as Record<string, unknown> | undefined;
      if (row === undefined) break;
      const problem = row === null || typeof row !== 'object' || typeof row.metrics !== 'object' ? 'has no metrics object' : options.checkRow?.(row);
      if (problem) throw new EngineFailure('engine_failed', `The engine wrote an unusable result ${seq}: ${problem}.`);
      const structure = await readFile(join(folder, 'results', seqName(seq), 'predicted_structure.cif')).catch(() => undefined);
      const archive = await sink.files.put('archive.tar.gz', tarGz([
        { path: 'result/metrics.json', data: Buffer.from(JSON.stringify(row.metrics, null, 2) + '\n') },
        ...(structure ? [{ path: 'result/predicted_structure.cif', data: structure }] : []),
      ]), 'application/gzip');
      const stored = structure ? await sink.files.put('predicted_structure.cif', structure, 'chemical/x-cif') : undefined;
      const { artifacts: _ignored, ...fields } = row;
      results.push({ ...fields, artifacts: { archive, ...(stored ? { structure: stored } : {}) } } as ResultDraft<K>);
    }
    const progress = (await readJson(join(folder, 'progress.json'))) as ProgressDraft<K> | undefined;
    const progressText = JSON.stringify(progress);
    if (results.length === 0 && (progress === undefined || progressText === seen.progress)) return next;
    seen.progress = progressText;
    const total = next + results.length;
    // The run's own count of results wins over what the executable says it has: it is what was committed.
    await sink.commit({ results, progress: { ...(run.progress ?? {}), ...(progress ?? {}), ...countOf(options.kind, total) } as ProgressDraft<K>, checkpoint: { next: total }, billedUnits: results.length });
    return total;
  }

  return {
    version,
    admissionProblems(input: JobInput<K>): Record<string, string> {
      const space = (input as { chemical_space?: unknown }).chemical_space;
      if (typeof space === 'string' && space !== 'default' && !description?.chemical_spaces?.includes(space)) {
        return { chemical_space: `${JSON.stringify(space)} is not supported by the live engine of this deployment` };
      }
      return {};
    },
    probe() {
      const probe = probeEngine({ engine: description?.name ?? 'contract', setting: `BOLTZ_PIPELINE_ENGINE_${options.kind.toUpperCase()}`, executable: options.executable, families: [options.kind], version: description?.version });
      if (probe.runnable && typeof described === 'string') return { ...probe, ok: false, problems: [...probe.problems, described] };
      return probe;
    },
    endOrphanedProcesses: () => folders.endOrphanedEngines(),
    async run(run, sink, signal) {
      const folder = await folders.prepare(run.id);
      await mkdir(join(folder, 'files'), { recursive: true });
      await mkdir(join(folder, 'results'), { recursive: true });
      for (const [path, file] of run.inputFiles) await writeFile(join(folder, 'files', fileName(path)), file.data);
      const request = { contract: CONTRACT_VERSION, family: options.kind, run_id: run.id, input: run.input, files: Object.fromEntries([...run.inputFiles.keys()].map((path) => [path, `files/${fileName(path)}`])) };
      await writeFile(join(folder, 'request.json'), JSON.stringify(request, null, 2));

      let next = run.resultCount;
      const seen: { progress?: string } = {};
      const commit = async () => {
        next = await commitNew(folder, run, sink, next, seen);
      };
      let result;
      try {
        result = await runPolled(options.executable, [folder], { folders, folder, cwd: folder, timeoutMs, signal, pollMs, logPath: options.logDir ? join(options.logDir, `${run.id}.log`) : undefined }, commit);
        if (result.aborted || signal.aborted) return interrupted;
        await commit();
      } catch (error) {
        if (!(error instanceof EngineFailure)) throw error;
        await folders.remove(run.id);
        return failed(error.toJobError());
      }
      const error = classifyFailure(result, timeoutMs);
      await folders.remove(run.id);
      return error ? failed(error) : { status: 'succeeded' };
    },
  };
}

/** The result counter of each family's progress (what the runner's row count is). */
function countOf(kind: PipelineKind, total: number): Record<string, number> {
  switch (kind) {
    case 'protein_design':
    case 'protein_sequence_redesign':
      return { num_proteins_generated: total };
    case 'protein_library_screen':
      return { num_proteins_screened: total };
    case 'small_molecule_design':
      return { num_molecules_generated: total };
    case 'small_molecule_library_screen':
      return { num_molecules_screened: total };
    case 'small_molecule_explore':
      return { num_molecules_scored: total };
  }
}
