import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { tarGz } from '../../archive.ts';
import { classifyFailure } from '../../boltz/failure.ts';
import { runPolled } from '../polled-process.ts';
import type { JobError } from '../../engine.ts';
import type { JobInput, ProgressDraft, ResultDraft } from '../../job-types.ts';
import type { PipelineEngine, PipelineOutcome, PipelineRun, ResultSink } from '../../pipeline.ts';
import { type DesignPlan, planProteinDesign } from '../../protein/design-plan.ts';
import { probeEngine, pythonPackageVersion, resolveExecutable } from '../probe.ts';
import { RunFolders } from '../run-folders.ts';
import { designRow, filterProblem, readDesigns } from './output.ts';
import { toBoltzGenRedesign } from './redesign.ts';
import { type BoltzGenSpec, boltzGenAdmissionProblems, toBoltzGenSpec } from './spec.ts';

/**
 * Protein design on BoltzGen (spec/PIPELINE-ENGINES.md §1, §4.2). A run is a series of chunks,
 * each one `boltzgen run` of a few designs in `<run folder>/chunk_<k>`, so results stream and
 * progress moves; after each chunk its designs that pass the request's filters and are new
 * sequences are committed as one batch. The checkpoint is (next chunk, designs attempted,
 * sequences emitted): a stopped, crashed or taken-over run reruns its unfinished chunk with
 * `--reuse`, which skips the designs already on disk, and never emits a sequence twice. Every
 * chunk runs in its own process group; stop = end the group (BoltzGen's steps are child
 * processes that outlive their parent otherwise — addendum).
 */
export interface BoltzGenEngineOptions {
  /** The `boltzgen` console script of its virtualenv. */
  executable: string;
  /** Persistent per-run folders (resume reuses them). */
  workRoot: string;
  /** `--cache` for the Hugging Face downloads; with `checkpointDir` nothing is downloaded. */
  cacheDir?: string;
  /** Offline hosts: a folder with the checkpoints and `mols.zip`, passed as local paths (§1.1). */
  checkpointDir?: string;
  /** BoltzGen's nanobody scaffold specs, for `boltz_curated: boltz_nanobody`. */
  nanobodyScaffolds?: readonly string[];
  /** Designs per chunk (default 10): smaller chunks stream sooner, larger ones load the models less often. */
  chunkDesigns?: number;
  /** Designs attempted per requested protein before the run gives up (default 5). */
  maxAttemptsPerProtein?: number;
  /** Per chunk (default 6 hours). */
  chunkTimeoutMs?: number;
  /** Reruns (with `--reuse`) of a chunk whose process crashed (default 2). */
  crashRetries?: number;
  devices?: number;
  packageVersion?: string;
  logDir?: string;
}

interface Checkpoint {
  chunk: number;
  attempted: number;
  /** Sequences already emitted (binder chains joined by `/`). */
  emitted: string[];
}

const CHECKPOINT_FILES = {
  design: ['boltzgen1_diverse.ckpt', 'boltzgen1_adherence.ckpt'],
  inverseFold: 'boltzgen1_ifold.ckpt',
  folding: 'boltz2_conf_final.ckpt',
  affinity: 'boltz2_aff.ckpt',
  moldir: 'mols.zip',
};

/** `boltzgen run` arguments of one chunk (relative to the run folder). */
export function boltzGenArgs(spec: Pick<BoltzGenSpec, 'specs' | 'protocol' | 'inverseFoldAvoid' | 'steps' | 'extraArgs'>, chunkDir: string, designs: number, options: Pick<BoltzGenEngineOptions, 'cacheDir' | 'checkpointDir' | 'devices'>): string[] {
  const ckpt = options.checkpointDir;
  return [
    'run',
    ...spec.specs.map((s) => s.name),
    '--output', chunkDir,
    '--protocol', spec.protocol,
    // Each spec gets the full --num_designs (§1.2).
    '--num_designs', String(Math.max(1, Math.ceil(designs / spec.specs.length))),
    '--inverse_fold_avoid', spec.inverseFoldAvoid,
    '--steps', ...spec.steps,
    '--reuse',
    ...(spec.extraArgs ?? []),
    ...(options.cacheDir ? ['--cache', options.cacheDir] : []),
    ...(ckpt
      ? [
          '--design_checkpoints', ...CHECKPOINT_FILES.design.map((f) => join(ckpt, f)),
          '--inverse_fold_checkpoint', join(ckpt, CHECKPOINT_FILES.inverseFold),
          '--folding_checkpoint', join(ckpt, CHECKPOINT_FILES.folding),
          '--affinity_checkpoint', join(ckpt, CHECKPOINT_FILES.affinity),
          '--moldir', join(ckpt, CHECKPOINT_FILES.moldir),
        ]
      : []),
    ...(options.devices ? ['--devices', String(options.devices)] : []),
  ];
}

const ARCHIVE = 'archive.tar.gz';
const STRUCTURE = 'predicted_structure.cif';

type BoltzGenKind = 'protein_design' | 'protein_sequence_redesign';

/** What a family asks of BoltzGen: which fields it refuses, and its request as specs plus the plan rows are read with. */
interface BoltzGenJob<K extends BoltzGenKind> {
  kind: K;
  admissionProblems(input: JobInput<K>): Record<string, string>;
  prepare(input: JobInput<K>, files: PipelineRun<K>['inputFiles'], options: BoltzGenEngineOptions): { spec: BoltzGenSpec; plan: DesignPlan } | { problems: Record<string, string> };
}

const DESIGN: BoltzGenJob<'protein_design'> = {
  kind: 'protein_design',
  admissionProblems: boltzGenAdmissionProblems,
  prepare(input, files, options) {
    const spec = toBoltzGenSpec(input, files, { nanobodyScaffolds: options.nanobodyScaffolds });
    const plan = planProteinDesign(input, files);
    if ('problems' in spec) return spec;
    return 'errors' in plan ? { problems: plan.errors } : { spec, plan };
  },
};

const REDESIGN: BoltzGenJob<'protein_sequence_redesign'> = {
  kind: 'protein_sequence_redesign',
  admissionProblems: boltzGenAdmissionProblems,
  prepare: (input, files) => toBoltzGenRedesign(input, files),
};

/** Protein design on BoltzGen. */
export function createBoltzGenEngine(options: BoltzGenEngineOptions): PipelineEngine<'protein_design'> {
  return createBoltzGenPipelineEngine(options, DESIGN);
}

/** Sequence redesign on BoltzGen's inverse folding (spec/PIPELINE-ENGINES.md §4.3), for the family's live engine. */
export function createBoltzGenRedesignEngine(options: BoltzGenEngineOptions): PipelineEngine<'protein_sequence_redesign'> {
  return createBoltzGenPipelineEngine(options, REDESIGN);
}

function createBoltzGenPipelineEngine<K extends BoltzGenKind>(options: BoltzGenEngineOptions, job: BoltzGenJob<K>): PipelineEngine<K> {
  const resolved = resolveExecutable(options.executable);
  const packageVersion = options.packageVersion ?? (resolved && pythonPackageVersion(resolved, 'boltzgen')) ?? 'unknown version';
  const version = `boltzgen ${packageVersion}`;
  const folders = new RunFolders(options.workRoot);
  const chunkDesigns = options.chunkDesigns ?? 10;
  const timeoutMs = options.chunkTimeoutMs ?? 6 * 60 * 60 * 1000;
  // The steps are started as bare `python`: the virtualenv's bin/ must come first (addendum).
  const env = { ...process.env, PATH: [dirname(options.executable), process.env.PATH].filter(Boolean).join(delimiter) };
  const failed = (error: JobError): PipelineOutcome => ({ status: 'failed', error });
  const interrupted: PipelineOutcome = failed({ code: 'interrupted', message: 'The run was interrupted.' });

  return {
    version,
    admissionProblems: job.admissionProblems,
    probe: () =>
      probeEngine({
        engine: 'boltzgen',
        setting: 'BOLTZ_BOLTZGEN_EXECUTABLE',
        executable: options.executable,
        families: [job.kind],
        version: packageVersion === 'unknown version' ? undefined : packageVersion,
        pythonPackage: 'boltzgen',
        paths: {
          'the weights cache': options.cacheDir,
          ...Object.fromEntries(options.checkpointDir ? [...CHECKPOINT_FILES.design, CHECKPOINT_FILES.inverseFold, CHECKPOINT_FILES.folding, CHECKPOINT_FILES.affinity, CHECKPOINT_FILES.moldir].map((file) => [`the checkpoint ${file} in`, join(options.checkpointDir!, file)]) : []),
          ...Object.fromEntries((options.nanobodyScaffolds ?? []).map((file, i) => [`nanobody scaffold ${i + 1}`, file])),
        },
      }),
    endOrphanedProcesses: () => folders.endOrphanedEngines(),
    async run(run, sink, signal) {
      const outcome = await runChunks(run, sink, signal);
      // A stopped or interrupted run keeps its folder for resume; a finished one does not.
      if (outcome !== interrupted) await folders.remove(run.id);
      return outcome;
    },
  };

  async function runChunks(run: PipelineRun<K>, sink: ResultSink<K>, signal: AbortSignal): Promise<PipelineOutcome> {
    const prepared = job.prepare(run.input, run.inputFiles, options);
    if ('problems' in prepared) return failed({ code: 'validation_error', message: `The request cannot run on BoltzGen: ${JSON.stringify(prepared.problems)}` });
    const { spec, plan } = prepared;
    const folder = await folders.prepare(run.id);
    for (const file of spec.files) await writeFile(join(folder, file.name), file.data);
    for (const s of spec.specs) await writeFile(join(folder, s.name), s.yamlText);
    if (options.logDir) await mkdir(options.logDir, { recursive: true });

    const total = run.input.num_proteins;
    const state: Checkpoint = (run.checkpoint as Checkpoint | null) ?? { chunk: 0, attempted: 0, emitted: [] };
    const emitted = new Set(state.emitted);
    let produced = run.resultCount;
    const cap = total * (options.maxAttemptsPerProtein ?? 5);
    let lastLog = '';

    while (produced < total) {
      if (signal.aborted) return interrupted;
      if (state.attempted >= cap) {
        const oom = /out of memory/i.test(lastLog);
        return failed({
          code: oom ? 'out_of_memory' : 'engine_failed',
          message: `Only ${produced} of ${total} designs were produced after ${state.attempted} attempts${oom ? ' (the GPU ran out of memory on some designs)' : ' (the others failed the sequence filters or were duplicates)'}.`,
        });
      }
      const designs = Math.min(chunkDesigns, total - produced);
      const chunkDir = `chunk_${state.chunk}`;
      const args = boltzGenArgs(spec, chunkDir, designs, options);
      let outcome: JobError | undefined;
      for (let attempt = 0; ; attempt++) {
        const logPath = options.logDir ? join(options.logDir, `${run.id}.${chunkDir}.log`) : undefined;
        // Rows are read when the chunk is done (the analysis step writes the CSV at its end).
        const result = await runPolled(options.executable, args, { folders, folder, cwd: folder, env, timeoutMs, signal, pollMs: timeoutMs, logPath }, async () => {});
        if (result.aborted) return interrupted;
        lastLog = result.log;
        outcome = classifyFailure(result, timeoutMs);
        // A crash mid-chunk is rerun in place: --reuse keeps what the crashed process finished.
        if (!outcome || result.timedOut || attempt >= (options.crashRetries ?? 2)) break;
      }
      if (outcome) return failed(outcome);

      const results: Array<ResultDraft<K>> = [];
      for (const design of await readDesigns(join(folder, chunkDir))) {
        if (produced + results.length >= total) break;
        if (filterProblem(design.designedSequence, spec.postFilters[design.option] ?? spec.postFilters[0])) continue;
        const row = await designRow(join(folder, chunkDir), design, plan);
        if ('problem' in row || emitted.has(row.key)) continue;
        emitted.add(row.key);
        const archive = await sink.files.put(ARCHIVE, tarGz([
          { path: 'result/metrics.json', data: row.metricsJson },
          { path: `result/${STRUCTURE}`, data: Buffer.from(row.cif) },
        ]), 'application/gzip');
        const structure = await sink.files.put(STRUCTURE, Buffer.from(row.cif), 'chemical/x-cif');
        // Redesign rows have the shape of design rows (the SDK's protein sequence-redesign result metrics).
        results.push({ ...row.row, artifacts: { archive, structure } } as unknown as ResultDraft<K>);
      }
      state.chunk += 1;
      state.attempted += designs;
      state.emitted = [...emitted];
      produced += results.length;
      await sink.commit({
        results,
        progress: { num_proteins_generated: produced, total_proteins_to_generate: total } as ProgressDraft<K>,
        checkpoint: state,
        billedUnits: results.length,
      });
    }
    return { status: 'succeeded' };
  }
}
