import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tarGz } from '../../archive.ts';
import { classifyFailure } from '../../boltz/failure.ts';
import { toYaml } from '../../boltz/request.ts';
import type { JobError } from '../../engine.ts';
import type { JobInput, ProgressDraft, ResultDraft } from '../../job-types.ts';
import type { PipelineEngine, PipelineOutcome, PipelineRun, ResultSink } from '../../pipeline.ts';
import { probeEngine } from '../probe.ts';
import { runPolled } from '../polled-process.ts';
import { RunFolders } from '../run-folders.ts';

/**
 * Library screens on Boltz-2 (spec/PIPELINE-ENGINES.md §4.4, §4.5): one `boltz predict` record
 * per candidate, `batchSize` records per process, the target's MSA computed once per run and
 * given to every record. While a batch runs, each candidate whose outputs are complete becomes
 * a row at once; candidates with no output when the process ends (out of memory, a record Boltz
 * skipped) are counted as failed instead of failing the run. Batches live in the run's
 * persistent folder; a resumed run reruns its batch without `--override`, so Boltz skips the
 * candidates already predicted, and the checkpoint names the ones already committed.
 *
 * Generic over the candidate kind through a `ScreenAdapter`: `smallMoleculeScreenAdapter` (below;
 * Boltz-2 affinity, §5) and `proteinScreenAdapter` (./protein.ts).
 */
type ScreenKind = 'small_molecule_library_screen' | 'protein_library_screen';
type Yaml = Record<string, unknown>;

export interface BoltzPredictOutputs {
  confidence: Record<string, number>;
  affinity?: { affinity_pred_value: number; affinity_probability_binary: number };
  cif: string;
  /** `pae_<id>_model_0.npz`. */
  pae: Buffer;
}

export interface ScreenAdapter<K extends ScreenKind> {
  kind: K;
  /** Fields Boltz cannot honour, by input path (→ 422 at start). */
  admissionProblems?(input: object): Record<string, string>;
  /** Each candidate's `sequences` entries (chain ids distinct from the target's), the chain constraints bind, and whether it gets an affinity pass. */
  candidates(input: JobInput<K>): Array<{ sequences: Yaml[]; binder: string; affinity: boolean }>;
  /** The target's protein chains as `boltz predict` sequences (no `msa` yet) and constraints for candidate `binder`. */
  target(input: JobInput<K>): { sequences: Yaml[]; constraints(binder: string): Yaml[] };
  row(input: JobInput<K>, index: number, outputs: BoltzPredictOutputs): Omit<ResultDraft<K>, 'artifacts'>;
  progress(screened: number, failed: number, total: number): ProgressDraft<K>;
}

export interface BoltzScreenEngineOptions {
  /** The `boltz` console script. */
  executable: string;
  workRoot: string;
  cacheDir?: string;
  /** The target MSA: computed once with the MSA server, or single-sequence (`empty`). */
  targetMsa: 'server' | 'empty';
  msaServerUrl?: string;
  /** Candidates per `boltz predict` (default 16). */
  batchSize?: number;
  pollMs?: number;
  timeoutMs?: number;
  noKernels?: boolean;
  packageVersion?: string;
}

interface Checkpoint {
  batch: number;
  /** Candidates of the current batch already committed. */
  committed: number[];
  failed: number;
}

const MSA_RECORD = 'target';

export function createBoltzScreenEngine<K extends ScreenKind>(adapter: ScreenAdapter<K>, options: BoltzScreenEngineOptions): PipelineEngine<K> {
  const version = `boltz2 (boltz ${options.packageVersion ?? 'unknown version'})`;
  const folders = new RunFolders(options.workRoot);
  const batchSize = options.batchSize ?? 16;
  const pollMs = options.pollMs ?? 2000;
  const timeoutMs = options.timeoutMs ?? 6 * 3600 * 1000;
  const failed = (error: JobError): PipelineOutcome => ({ status: 'failed', error });
  const interrupted = failed({ code: 'interrupted', message: 'The run was interrupted.' });
  const common = [
    '--diffusion_samples', '1', '--write_full_pae', '--output_format', 'mmcif', '--step_scale', '1.638',
    ...(options.cacheDir ? ['--cache', options.cacheDir] : []),
    ...(options.noKernels ? ['--no_kernels'] : []),
  ];

  const predictions = (folder: string, batch: number) => join(folder, `batch_${batch}`, 'out', 'boltz_results_inputs', 'predictions');

  async function outputsOf(dir: string, id: string, needsAffinity: boolean): Promise<BoltzPredictOutputs | undefined> {
    const read = (name: string) => readFile(join(dir, id, name), 'utf8').catch(() => undefined);
    const [confidence, affinity, cif] = await Promise.all([read(`confidence_${id}_model_0.json`), needsAffinity ? read(`affinity_${id}.json`) : undefined, read(`${id}_model_0.cif`)]);
    if (confidence === undefined || cif === undefined || (needsAffinity && affinity === undefined)) return undefined;
    // Boltz-2 always writes the PAE; a record is complete when it is there too.
    const pae = await readFile(join(dir, id, `pae_${id}_model_0.npz`)).catch(() => undefined);
    if (pae === undefined) return undefined;
    // Python writes NaN literals: read them as null.
    const json = (text: string) => JSON.parse(text.replace(/\bNaN\b/g, 'null'));
    return { confidence: json(confidence), ...(affinity ? { affinity: json(affinity) } : {}), cif, pae };
  }

  /** The target's MSA, computed once per run (spec/PIPELINE-ENGINES.md §4.4); paths by target sequence index. */
  async function targetMsas(folder: string, targetSequences: Yaml[], signal: AbortSignal): Promise<Array<string> | JobError | 'interrupted'> {
    if (options.targetMsa === 'empty') return targetSequences.map(() => 'empty');
    const msaDir = join(folder, 'msa', 'out', `boltz_results_${MSA_RECORD}`, 'msa');
    const paths = targetSequences.map((_, k) => join(msaDir, `${MSA_RECORD}_${k}.csv`));
    if (paths.every((path) => existsSync(path))) return paths;
    await mkdir(join(folder, 'msa'), { recursive: true });
    await writeFile(join(folder, 'msa', `${MSA_RECORD}.yaml`), toYaml({ version: 1, sequences: targetSequences }));
    const args = ['predict', `${MSA_RECORD}.yaml`, '--out_dir', 'out', ...common, '--use_msa_server', ...(options.msaServerUrl ? ['--msa_server_url', options.msaServerUrl] : [])];
    const result = await runPolled(options.executable, args, { folders, folder, cwd: join(folder, 'msa'), timeoutMs, signal, pollMs }, async () => {});
    if (result.aborted) return 'interrupted';
    const error = classifyFailure(result, timeoutMs);
    if (error) return error;
    if (!paths.every((path) => existsSync(path))) return { code: 'msa_generation_failed', message: 'The MSA of the target was not written.' };
    return paths;
  }

  async function screen(run: PipelineRun<K>, sink: ResultSink<K>, signal: AbortSignal): Promise<PipelineOutcome> {
    const folder = await folders.prepare(run.id);
    const candidates = adapter.candidates(run.input);
    const target = adapter.target(run.input);
    const total = candidates.length;
    const state: Checkpoint = (run.checkpoint as Checkpoint | null) ?? { batch: 0, committed: [], failed: 0 };
    let screened = run.resultCount;
    const msas = await targetMsas(folder, target.sequences, signal);
    if (msas === 'interrupted') return interrupted;
    if (!Array.isArray(msas)) return failed(msas);

    for (let batch = state.batch; batch * batchSize < total; batch++) {
      const indices = Array.from({ length: Math.min(batchSize, total - batch * batchSize) }, (_, k) => batch * batchSize + k);
      const inputs = join(folder, `batch_${batch}`, 'inputs');
      await mkdir(inputs, { recursive: true });
      const committed = new Set(batch === state.batch ? state.committed : []);
      const dir = predictions(folder, batch);
      for (const index of indices) {
        const candidate = candidates[index];
        const { binder } = candidate;
        const record = {
          version: 1,
          sequences: [...target.sequences.map((sequence, k) => withMsa(sequence, msas[k])), ...candidate.sequences],
          ...(target.constraints(binder).length ? { constraints: target.constraints(binder) } : {}),
          ...(candidate.affinity ? { properties: [{ affinity: { binder } }] } : {}),
        };
        await writeFile(join(inputs, `c${index}.yaml`), toYaml(record));
        // Boltz skips existing prediction folders: one a stopped process left incomplete is predicted again (§4.4).
        if (!committed.has(index) && !(await outputsOf(dir, `c${index}`, candidate.affinity))) await rm(join(dir, `c${index}`), { recursive: true, force: true });
      }

      const commitReady = async (final: boolean) => {
        const results: Array<ResultDraft<K>> = [];
        const newlyCommitted: number[] = [];
        let newlyFailed = 0;
        for (const index of indices) {
          if (committed.has(index)) continue;
          // Boltz writes its files in place: while it runs, one may be half written (read again at the next poll).
          let row: Omit<ResultDraft<K>, 'artifacts'> | undefined;
          let outputs: BoltzPredictOutputs | undefined;
          try {
            outputs = await outputsOf(dir, `c${index}`, candidates[index].affinity);
            row = outputs && adapter.row(run.input, index, outputs);
          } catch {
            if (!final) continue;
          }
          if (!outputs || !row) {
            if (final) newlyFailed++;
            continue;
          }
          const metricsJson = Buffer.from(JSON.stringify((row as { metrics: unknown }).metrics, null, 2) + '\n');
          const archive = await sink.files.put('archive.tar.gz', tarGz([{ path: 'result/metrics.json', data: metricsJson }, { path: 'result/predicted_structure.cif', data: Buffer.from(outputs.cif) }]), 'application/gzip');
          const structure = await sink.files.put('predicted_structure.cif', Buffer.from(outputs.cif), 'chemical/x-cif');
          results.push({ ...row, artifacts: { archive, structure } } as ResultDraft<K>);
          newlyCommitted.push(index);
        }
        if (results.length === 0 && newlyFailed === 0 && !final) return;
        screened += results.length;
        state.failed += newlyFailed;
        newlyCommitted.forEach((index) => committed.add(index));
        const checkpoint: Checkpoint = final ? { batch: batch + 1, committed: [], failed: state.failed } : { batch, committed: [...committed], failed: state.failed };
        await sink.commit({ results, progress: adapter.progress(screened, state.failed, total), checkpoint, billedUnits: results.length });
      };
      const result = await runPolled(options.executable, ['predict', 'inputs', '--out_dir', 'out', ...common], { folders, folder, cwd: join(folder, `batch_${batch}`), timeoutMs, signal, pollMs }, () => commitReady(false));
      if (result.aborted || signal.aborted) return interrupted;
      const error = classifyFailure(result, timeoutMs);
      // A process that failed outright (nothing predicted) is the engine's failure, not the candidates'.
      const anyOutput = existsSync(dir) && (await readdir(dir)).length > 0;
      if (error && error.code !== 'out_of_memory' && !anyOutput && committed.size === 0) return failed(error);
      await commitReady(true);
    }
    return { status: 'succeeded' };
  }

  return {
    version,
    ...(adapter.admissionProblems ? { admissionProblems: adapter.admissionProblems } : {}),
    probe: () => probeEngine({ engine: 'boltz', setting: 'BOLTZ_ENGINE_EXECUTABLE', executable: options.executable, families: [adapter.kind], version: options.packageVersion, pythonPackage: 'boltz', paths: { 'the weights cache': options.cacheDir } }),
    endOrphanedProcesses: () => folders.endOrphanedEngines(),
    async run(run, sink, signal) {
      const outcome = await screen(run, sink, signal);
      if (outcome !== interrupted) await folders.remove(run.id);
      return outcome;
    },
  };
}

function withMsa(sequence: Yaml, msa: string): Yaml {
  const [[type, entity]] = Object.entries(sequence);
  return type === 'protein' ? { protein: { ...(entity as Yaml), msa } } : sequence;
}

type MoleculeInput = JobInput<'small_molecule_library_screen'>;

/** Target entities → `boltz predict` protein sequences; `pocket_residues` → a pocket on the candidate (§4.5). */
function proteinTarget(target: { entities: Array<Record<string, unknown>>; pocket_residues?: Record<string, number[]> }): { sequences: Yaml[]; constraints(binder: string): Yaml[] } {
  const sequences = target.entities.filter((entity) => entity.type === 'protein').map((entity) => ({ protein: { id: entity.chain_ids, sequence: entity.value } }));
  const contacts = Object.entries(target.pocket_residues ?? {}).flatMap(([chain, indices]) => indices.map((index) => [chain, index + 1]));
  return { sequences, constraints: (binder) => (contacts.length ? [{ pocket: { binder, contacts, max_distance: 6 } }] : []) };
}

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

/** Small-molecule screens: the molecule is ligand `L` with Boltz-2 affinity; metrics per spec/ENGINE.md §6. */
export const smallMoleculeScreenAdapter: ScreenAdapter<'small_molecule_library_screen'> = {
  kind: 'small_molecule_library_screen',
  candidates: (input: MoleculeInput) => input.molecules.map((molecule) => ({ sequences: [{ ligand: { id: 'L', smiles: molecule.smiles } }], binder: 'L', affinity: true })),
  target: (input: MoleculeInput) => proteinTarget(input.target as never),
  row(input: MoleculeInput, index, { confidence, affinity }) {
    const molecule = input.molecules[index];
    return {
      smiles: molecule.smiles,
      ...(molecule.id ? { external_id: molecule.id } : {}),
      metrics: {
        binding_confidence: round4(affinity?.affinity_probability_binary ?? 0),
        optimization_score: round4(6 - (affinity?.affinity_pred_value ?? 6)),
        structure_confidence: round4(confidence.confidence_score ?? 0),
        iptm: round4(confidence.iptm ?? 0),
        ptm: round4(confidence.ptm ?? 0),
        complex_plddt: round4(confidence.complex_plddt ?? 0),
        complex_iplddt: round4(confidence.complex_iplddt ?? 0),
      },
    } as Omit<ResultDraft<'small_molecule_library_screen'>, 'artifacts'>;
  },
  progress: (screened, failed, total) => ({ num_molecules_screened: screened, num_molecules_failed: failed, total_molecules_to_screen: total }),
};
