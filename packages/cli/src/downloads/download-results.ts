import type Boltz from 'boltz-api';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandContext } from '../command.ts';
import { CliError, UsageError } from '../errors.ts';
import type { FlagSpec } from '../flags.ts';
import { archiveExtension, downloadArchive, extractArchive } from './archive.ts';
import { type Checkpoint, checkpointPath, downloadStatus, newCheckpoint, readCheckpoint, writeCheckpoint, writeJsonAtomically } from './checkpoint.ts';
import { type ProgressEvent, ProgressReporter } from './progress.ts';
import { runDirectoryName } from './run-name.ts';
import { type RunType, runTypeFromId } from './run-type.ts';

/** Local flags of `download-results` (and of `run`, without --id and --workspace-id), CLI.md §9.1. */
export const DOWNLOAD_FLAGS: FlagSpec[] = [
  { flag: 'id', field: 'id', type: 'string', placement: 'local', description: 'the run to download (sab_pred_…, adme_pred_…); optional when resuming a directory', placeholder: 'ID' },
  { flag: 'name', field: 'name', type: 'string', placement: 'local', description: 'run directory name under --root-dir (default: derived from the id)', placeholder: 'NAME' },
  { flag: 'run-dir', field: 'run_dir', type: 'string', placement: 'local', description: 'exact run directory (instead of --root-dir/--name)', placeholder: 'DIR' },
  { flag: 'root-dir', field: 'root_dir', type: 'string', placement: 'local', default: 'boltz-experiments', description: 'parent directory for run directories (default boltz-experiments)', placeholder: 'DIR' },
  { flag: 'workspace-id', field: 'workspace_id', type: 'string', placement: 'local', description: 'the workspace the run is in', placeholder: 'ID' },
  { flag: 'poll-interval-seconds', field: 'poll_interval_seconds', type: 'number', placement: 'local', default: 5, description: 'seconds between status checks while the run is in progress (default 5)', placeholder: 'SECONDS' },
  { flag: 'progress-format', field: 'progress_format', type: 'string', choices: ['jsonl', 'text'], placement: 'local', default: 'jsonl', description: 'progress on stderr: jsonl (one JSON event per line, default) or text', placeholder: 'FORMAT' },
  { flag: 'download-mode', field: 'download_mode', type: 'string', choices: ['everything', 'metadata_only'], placement: 'local', default: 'everything', description: 'everything (default) or metadata_only (no archives)', placeholder: 'MODE' },
  { flag: 'workers', field: 'workers', type: 'integer', aliases: ['num-workers'], placement: 'local', default: 4, description: 'concurrent archive downloads for pipeline runs (default 4)', placeholder: 'N' },
  { flag: 'verbose', field: 'verbose', type: 'boolean', short: 'v', placement: 'local', description: 'with --progress-format text: print every progress message' },
];

const PIPELINE_TYPES: RunType[] = ['protein_design', 'protein_library_screen', 'protein_sequence_redesign', 'small_molecule_design', 'small_molecule_library_screen', 'small_molecule_explore'];

/** The run directory from --run-dir, --root-dir/--name or the id (§9.1). */
export function resolveRunDirectory(local: Record<string, unknown>, given: Set<string>, id: string | undefined): string | undefined {
  const runDir = local['run-dir'] as string | undefined;
  const name = local.name as string | undefined;
  const rootDir = local['root-dir'] as string;
  if (runDir !== undefined) {
    if (name !== undefined) throw new UsageError('--name and --run-dir are mutually exclusive');
    if (given.has('root-dir')) throw new UsageError('--root-dir cannot be used with --run-dir');
    return resolve(runDir.replace(/^~(?=$|\/)/, homedir()));
  }
  if (name !== undefined) {
    if (name === '' || name === '.' || name === '..' || /[/\\]/.test(name)) throw new UsageError(`--name must be a single path segment, got "${name}"`);
    return resolve(rootDir, name);
  }
  return id ? resolve(rootDir, runDirectoryName(id)) : undefined;
}

/** Removes every `url` / `url_expires_at` key: presigned URLs expire and are secrets of a kind (§9.2). */
function withoutUrls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUrls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'url' && key !== 'url_expires_at').map(([key, item]) => [key, withoutUrls(item)]));
  }
  return value;
}

interface PredictionRun {
  id: string;
  status: string;
  workspace_id: string | null;
  started_at: string | null;
  completed_at: string | null;
  error: { code: string } | null;
  output?: { archive?: { url: string } | null } | null;
}

/**
 * `download-results` and the download half of `run` (§9.3): poll the prediction until it ends,
 * keeping `.boltz-run.json` and `run.json` current, then download and extract its archive.
 * Prints the absolute run directory; progress goes to stderr.
 */
export async function downloadResults(context: CommandContext, options: { start?: (client: Boltz) => PromiseLike<{ id: string }> } = {}): Promise<void> {
  const { local, given } = context;
  const pollSeconds = local['poll-interval-seconds'] as number;
  if (pollSeconds < 0) throw new UsageError('--poll-interval-seconds must be at least 0');
  if ((local.workers as number) < 1) throw new UsageError('--workers must be at least 1');
  const client = context.api();

  let id = local.id as string | undefined;
  let workspaceId = (local['workspace-id'] as string | undefined) ?? null;
  let runDir = resolveRunDirectory(local, given, id);
  if (options.start) {
    // `run` never reuses a directory: a second run would mix two jobs' files (§9.1).
    if (runDir && existsSync(checkpointPath(runDir))) throw new CliError(`${runDir} already holds a download run (.boltz-run.json); choose another --name or --run-dir`);
    const started = await options.start(client);
    id = started.id;
    workspaceId = (context.body as { workspace_id?: string }).workspace_id ?? null;
    runDir ??= resolveRunDirectory(local, given, id)!;
    if (existsSync(checkpointPath(runDir))) throw new CliError(`${runDir} already holds a download run (.boltz-run.json)`);
  }
  if (!runDir) throw new UsageError('--id, --name or --run-dir is required');

  let checkpoint = readCheckpoint(runDir);
  if (checkpoint) {
    if (id && id !== checkpoint.remote.run_id) throw new CliError(`${runDir} belongs to run ${checkpoint.remote.run_id}, not ${id}`);
    id = checkpoint.remote.run_id;
    workspaceId = checkpoint.remote.workspace_id;
  } else {
    if (!id) throw new CliError(`No local metadata exists for ${runDir}. Provide --id to create a new download run.`);
    const runType = runTypeFromId(id);
    if (PIPELINE_TYPES.includes(runType)) throw new CliError(`Downloading ${runType} runs is not supported by this server version yet`);
    mkdirSync(runDir, { recursive: true });
    checkpoint = newCheckpoint(runDir, runType, id, workspaceId, local['download-mode'] as Checkpoint['download_mode']);
    writeCheckpoint(runDir, checkpoint);
  }

  const progress = new ProgressReporter(local['progress-format'] as 'jsonl' | 'text', Boolean(local.verbose));
  const emit = (event: ProgressEvent, message: string, extra: Record<string, unknown> = {}) => progress.event(event, message, { ...downloadStatus(runDir, checkpoint), ...extra });
  const resource = checkpoint.run_type === 'adme' ? client.predictions.adme : client.predictions.structureAndBinding;

  let lastStatus: string | null = null;
  let lastRunningEvent = 0;
  for (;;) {
    const response = await resource.retrieve(id, workspaceId ? { workspace_id: workspaceId } : {}).asResponse();
    const run = JSON.parse(await response.text()) as PredictionRun;
    checkpoint.remote = {
      ...checkpoint.remote,
      workspace_id: run.workspace_id,
      status: run.status,
      started_at: run.started_at,
      completed_at: run.completed_at,
      error_code: run.error?.code ?? null,
    };
    writeCheckpoint(runDir, checkpoint);
    writeJsonAtomically(join(runDir, 'run.json'), withoutUrls(run));
    if (run.status !== lastStatus) emit('status', `Run ${id}: ${run.status}`);
    lastStatus = run.status;

    if (run.status === 'failed') {
      emit('failed', `Run ${id} failed with error code ${run.error?.code ?? 'unknown'}`);
      throw new CliError(`Run ${id} failed with error code ${run.error?.code ?? 'unknown'}`);
    }
    if (run.status === 'succeeded') {
      if (checkpoint.download_mode === 'everything' && run.output?.archive?.url) {
        await materializeArchive(runDir, checkpoint, run.output.archive.url, progress, emit);
      }
      emit('ready', `Run ${id} is ready in ${runDir}`);
      break;
    }
    if (Date.now() - lastRunningEvent >= 30_000) {
      emit(run.status === 'running' ? 'running' : 'waiting', `Waiting for run ${id} (${run.status})`);
      lastRunningEvent = Date.now();
    }
    await sleep(pollSeconds * 1000);
  }
  process.stdout.write(`${runDir}\n`);
}

async function materializeArchive(
  runDir: string,
  checkpoint: Checkpoint,
  url: string,
  progress: ProgressReporter,
  emit: (event: ProgressEvent, message: string, extra?: Record<string, unknown>) => void,
): Promise<void> {
  const outputs = join(runDir, 'outputs');
  const archive = join(outputs, `archive${archiveExtension(url)}`);
  const files = join(outputs, 'files');
  if (existsSync(archive) && existsSync(files) && !checkpoint.pending) return;
  checkpoint.pending = { kind: 'prediction_archive', after_id: null, page_last_id: null, result_ids: [] };
  writeCheckpoint(runDir, checkpoint);
  mkdirSync(outputs, { recursive: true });
  if (!existsSync(archive)) {
    const fields = { archive_path: archive };
    let reported = -1;
    await downloadArchive(url, archive, ({ bytesDone, bytesTotal }) => {
      // jsonl gets an event per 256 KiB (and the first and last), not one per network chunk.
      if (bytesDone === bytesTotal || reported < 0 || bytesDone - reported >= 256 * 1024) {
        progress.bytes(`Downloading ${archive}`, { ...downloadStatus(runDir, checkpoint), ...fields }, bytesDone, bytesTotal);
        reported = bytesDone;
      }
    });
    progress.endBar();
  }
  emit('archive_extract', `Extracting ${archive}`, { archive_path: archive, extracted_dir: files });
  await extractArchive(archive, files);
  checkpoint.pending = null;
  writeCheckpoint(runDir, checkpoint);
}

/** `download-status` (§9.5): reads the checkpoint only. */
export function readDownloadStatus(local: Record<string, unknown>, given: Set<string>): Record<string, unknown> {
  if (local.name === undefined && local['run-dir'] === undefined) throw new UsageError('--name or --run-dir is required');
  const runDir = resolveRunDirectory(local, given, undefined)!;
  const checkpoint = readCheckpoint(runDir);
  if (!checkpoint) throw new CliError(`Run metadata does not exist: ${checkpointPath(runDir)}`);
  return downloadStatus(runDir, checkpoint);
}

