import type Boltz from 'boltz-api';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandContext, LeafCommand } from '../command.ts';
import { pipelineFamilyForRunType } from '../commands/pipeline-families.ts';
import { CliError, UsageError } from '../errors.ts';
import type { FlagSpec } from '../flags.ts';
import { archiveExtension } from './archive.ts';
import { type Checkpoint, checkpointPath, downloadStatus, newCheckpoint, readCheckpoint, writeCheckpoint } from './checkpoint.ts';
import { type DownloadRun, type RemoteRun, materializeArchive, recordRemoteRun, runFailed } from './download-run.ts';
import { downloadPipelineRun } from './pipeline-download.ts';
import { ProgressReporter } from './progress.ts';
import { runDirectoryName } from './run-name.ts';
import { runTypeFromId } from './run-type.ts';

/** Local flags of `download-results` (and of `run`, without --id and --workspace-id), CLI.md §9.1. */
export const DOWNLOAD_FLAGS: FlagSpec[] = [
  { flag: 'id', field: 'id', type: 'string', placement: 'local', description: 'the run to download (sab_pred_…, adme_pred_…, prot_des_…, sm_scr_…); optional when resuming a directory', placeholder: 'ID' },
  { flag: 'name', field: 'name', type: 'string', placement: 'local', description: 'run directory name under --root-dir (default: derived from the id)', placeholder: 'NAME' },
  { flag: 'run-dir', field: 'run_dir', type: 'string', placement: 'local', description: 'exact run directory (instead of --root-dir/--name)', placeholder: 'DIR' },
  { flag: 'root-dir', field: 'root_dir', type: 'string', placement: 'local', default: 'boltz-experiments', description: 'parent directory for run directories (default boltz-experiments)', placeholder: 'DIR' },
  { flag: 'workspace-id', field: 'workspace_id', type: 'string', placement: 'local', description: 'the workspace the run is in', placeholder: 'ID' },
  { flag: 'poll-interval-seconds', field: 'poll_interval_seconds', type: 'number', placement: 'local', default: 5, description: 'seconds between status checks while the run is in progress (default 5)', placeholder: 'SECONDS' },
  { flag: 'progress-format', field: 'progress_format', type: 'string', choices: ['jsonl', 'text'], placement: 'local', default: 'jsonl', description: 'progress on stderr: jsonl (one JSON event per line, default) or text', placeholder: 'FORMAT' },
  { flag: 'download-mode', field: 'download_mode', type: 'string', choices: ['everything', 'metadata_only'], placement: 'local', default: 'everything', description: 'pipeline runs: everything (default) or metadata_only (result metadata and index, no archives)', placeholder: 'MODE' },
  { flag: 'workers', field: 'workers', type: 'integer', aliases: ['num-workers'], placement: 'local', default: 4, description: 'concurrent archive downloads for pipeline runs (default 4)', placeholder: 'N' },
  { flag: 'verbose', field: 'verbose', type: 'boolean', short: 'v', placement: 'local', description: 'with --progress-format text: print every progress message' },
];

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

/**
 * `download-results` and the download half of `run` (§9.3): set up (or resume) the run directory,
 * then follow a prediction until its archive is extracted, or a pipeline run until every result is.
 * Prints the absolute run directory; progress goes to stderr.
 */
export async function downloadResults(context: CommandContext, options: { start?: (client: Boltz) => PromiseLike<{ id: string; workspace_id?: string | null }> } = {}): Promise<void> {
  const { local, given } = context;
  const pollSeconds = local['poll-interval-seconds'] as number;
  const workers = (local.workers as number | undefined) ?? 4;
  const downloadMode = local['download-mode'] as Checkpoint['download_mode'];
  if (pollSeconds < 0) throw new UsageError('--poll-interval-seconds must be at least 0');
  if (workers < 1) throw new UsageError('--workers must be at least 1');
  const client = context.api();

  let id = local.id as string | undefined;
  let workspaceId = (local['workspace-id'] as string | undefined) ?? null;
  let runDir = resolveRunDirectory(local, given, id);
  const predictionMode = (runId: string) => given.has('download-mode') && downloadMode !== 'everything' && !pipelineFamilyForRunType(runTypeFromId(runId));
  if (id && predictionMode(id)) throw new UsageError('--download-mode only supports pipeline run IDs');
  if (options.start) {
    // `run` never reuses a directory: a second run would mix two jobs' files (§9.1).
    if (runDir && existsSync(checkpointPath(runDir))) throw new CliError(`${runDir} already holds a download run (.boltz-run.json); choose another --name or --run-dir`);
    const started = await options.start(client);
    id = started.id;
    workspaceId = started.workspace_id ?? (context.body as { workspace_id?: string }).workspace_id ?? null;
    runDir ??= resolveRunDirectory(local, given, id)!;
    if (existsSync(checkpointPath(runDir))) throw new CliError(`${runDir} already holds a download run (.boltz-run.json)`);
  }
  if (!runDir) throw new UsageError('--id, --name or --run-dir is required');

  let checkpoint = readCheckpoint(runDir);
  if (checkpoint) {
    if (id && id !== checkpoint.remote.run_id) throw new CliError(`${runDir} belongs to run ${checkpoint.remote.run_id}, not ${id}`);
    if (given.has('download-mode') && downloadMode !== checkpoint.download_mode) {
      throw new CliError(`Run directory ${runDir} uses download mode ${checkpoint.download_mode}, not ${downloadMode}`);
    }
  } else {
    if (!id) throw new CliError(`No local metadata exists for ${runDir}. Provide --id to create a new download run.`);
    const runType = runTypeFromId(id);
    mkdirSync(runDir, { recursive: true });
    checkpoint = newCheckpoint(runDir, runType, id, workspaceId, pipelineFamilyForRunType(runType) ? downloadMode : 'everything');
    writeCheckpoint(runDir, checkpoint);
  }

  const progress = new ProgressReporter(local['progress-format'] as 'jsonl' | 'text', Boolean(local.verbose));
  const state = checkpoint;
  const download: DownloadRun = {
    client,
    runDir,
    checkpoint: state,
    pollSeconds,
    workers,
    progress,
    emit: (event, message, extra = {}) => progress.event(event, message, { ...downloadStatus(runDir, state), ...extra }),
  };
  const family = pipelineFamilyForRunType(checkpoint.run_type);
  if (family) await downloadPipelineRun(download, family.sdk(client));
  else await downloadPrediction(download);
  process.stdout.write(`${runDir}\n`);
}

interface PredictionRun extends RemoteRun {
  output?: { archive?: { url: string } | null } | null;
}

/** Predictions (§9.3): poll until the run ends, then download and extract `output.archive`. */
async function downloadPrediction(download: DownloadRun): Promise<void> {
  const { client, checkpoint, runDir } = download;
  const id = checkpoint.remote.run_id;
  const workspaceId = checkpoint.remote.workspace_id;
  const resource = checkpoint.run_type === 'adme' ? client.predictions.adme : client.predictions.structureAndBinding;
  download.emit('waiting', `Waiting for prediction ${id} in ${runDir}`);
  let lastStatus: string | null = null;
  let lastRunningEvent = 0;
  for (;;) {
    const response = await resource.retrieve(id, workspaceId ? { workspace_id: workspaceId } : {}).asResponse();
    const run = JSON.parse(await response.text()) as PredictionRun;
    lastStatus = recordRemoteRun(download, run, lastStatus);
    if (run.status === 'failed') throw runFailed(download);
    if (run.status === 'succeeded') {
      const url = run.output?.archive?.url;
      const outputs = join(runDir, 'outputs');
      if (checkpoint.download_mode === 'everything' && url && !(existsSync(join(outputs, `archive${archiveExtension(url)}`)) && existsSync(join(outputs, 'files')) && !checkpoint.pending)) {
        checkpoint.pending = { kind: 'prediction_archive', after_id: null, page_last_id: null, result_ids: [] };
        writeCheckpoint(runDir, checkpoint);
        await materializeArchive(download, url, outputs, {});
        checkpoint.pending = null;
        writeCheckpoint(runDir, checkpoint);
      }
      download.emit('ready', `Run ${id} is ready in ${runDir}`);
      return;
    }
    if (Date.now() - lastRunningEvent >= 30_000) {
      download.emit(run.status === 'running' ? 'running' : 'waiting', `Waiting for run ${id} (${run.status})`);
      lastRunningEvent = Date.now();
    }
    await sleep(download.pollSeconds * 1000);
  }
}

/**
 * A resource's `run` command (§9.1): its start flags plus the download flags; starts the job,
 * then downloads it like `download-results --id <new id>`.
 */
export function runCommand(options: {
  summary: string;
  /** Pipelines also take --download-mode and --workers (§9.1); predictions have one archive. */
  pipeline: boolean;
  startFlags: FlagSpec[];
  requiredBodyFields?: LeafCommand['requiredBodyFields'];
  start(client: Boltz, body: unknown): PromiseLike<{ id: string; workspace_id?: string | null }>;
}): LeafCommand {
  return {
    name: 'run',
    summary: options.summary,
    description: 'Prints the absolute path of the run directory on stdout; progress goes to stderr. Takes the start flags plus the download flags.',
    flags: [...options.startFlags, ...DOWNLOAD_FLAGS.filter((flag) => !['id', 'workspace-id', ...(options.pipeline ? [] : ['download-mode', 'workers'])].includes(flag.flag))],
    readsStdin: true,
    requiredBodyFields: options.requiredBodyFields,
    async run(context) {
      await downloadResults(context, { start: (client) => options.start(client, context.body) });
    },
  };
}

/** `download-status` (§9.5): reads the checkpoint only. */
export function readDownloadStatus(local: Record<string, unknown>, given: Set<string>): Record<string, unknown> {
  if (local.name === undefined && local['run-dir'] === undefined) throw new UsageError('--name or --run-dir is required');
  const runDir = resolveRunDirectory(local, given, undefined)!;
  const checkpoint = readCheckpoint(runDir);
  if (!checkpoint) throw new CliError(`Run metadata does not exist: ${checkpointPath(runDir)}`);
  return downloadStatus(runDir, checkpoint);
}
