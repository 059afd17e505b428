import type Boltz from 'boltz-api';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.ts';
import { archiveExtension, downloadArchive, extractArchive } from './archive.ts';
import { type Checkpoint, downloadStatus, requestFingerprint, writeCheckpoint, writeJsonAtomically } from './checkpoint.ts';
import type { ProgressEvent, ProgressReporter } from './progress.ts';

/**
 * One download in progress and the steps the prediction and pipeline loops (CLI.md §9.3) share.
 */

/** Removes every `url` / `url_expires_at` key: presigned URLs expire and are secrets of a kind (§9.2). */
export function withoutUrls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUrls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'url' && key !== 'url_expires_at').map(([key, item]) => [key, withoutUrls(item)]));
  }
  return value;
}

/** What the prediction and pipeline loops share: the directory, its checkpoint and the progress sink. */
export interface DownloadRun {
  client: Boltz;
  runDir: string;
  checkpoint: Checkpoint;
  pollSeconds: number;
  workers: number;
  progress: ProgressReporter;
  emit(event: ProgressEvent, message: string, extra?: Record<string, unknown>): void;
}

/** The fields of a run resource the checkpoint keeps (both prediction and pipeline runs have them). */
export interface RemoteRun {
  id: string;
  status: string;
  workspace_id: string | null;
  started_at: string | null;
  completed_at: string | null;
  stopped_at?: string | null;
  error: { code: string } | null;
  progress?: { latest_result_id?: string | null } | null;
}

/**
 * Records the run's latest state in `.boltz-run.json` and `run.json` (without presigned URLs) and
 * reports a status change. Returns the run's status.
 */
export function recordRemoteRun(download: DownloadRun, run: RemoteRun, previousStatus: string | null): string {
  const { checkpoint, runDir } = download;
  checkpoint.remote = {
    ...checkpoint.remote,
    workspace_id: run.workspace_id ?? checkpoint.remote.workspace_id,
    status: run.status,
    started_at: run.started_at,
    completed_at: run.completed_at,
    stopped_at: run.stopped_at ?? null,
    latest_result_id: run.progress?.latest_result_id ?? null,
    error_code: run.error?.code ?? null,
  };
  checkpoint.request_fingerprint = requestFingerprint(checkpoint.run_type, checkpoint.remote.run_id, checkpoint.remote.workspace_id);
  writeCheckpoint(runDir, checkpoint);
  writeJsonAtomically(join(runDir, 'run.json'), withoutUrls(run));
  if (run.status !== previousStatus) download.emit('status', `Run ${run.id}: ${run.status}`);
  return run.status;
}

/** `Run <id> failed with error code <code>` (§9.3), after a `failed` progress event. */
export function runFailed(download: DownloadRun): CliError {
  const { remote } = download.checkpoint;
  const message = `Run ${remote.run_id} failed with error code ${remote.error_code ?? 'unknown'}`;
  download.emit('failed', message);
  return new CliError(message);
}

/**
 * Downloads `url` to `<dir>/archive.<ext>` (resuming a `.part`) and extracts it to `<dir>/files`,
 * skipping whatever is already complete. `fields` (e.g. `result_id`) go into every progress event;
 * the terminal progress bar is drawn only for single downloads.
 */
export async function materializeArchive(download: DownloadRun, url: string, dir: string, fields: Record<string, unknown>, bar = true): Promise<void> {
  const { progress, runDir, checkpoint } = download;
  const archive = join(dir, `archive${archiveExtension(url)}`);
  const files = join(dir, 'files');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(archive)) {
    let reported = -1;
    await downloadArchive(url, archive, ({ bytesDone, bytesTotal }) => {
      // jsonl gets an event per 256 KiB (and the first and last), not one per network chunk.
      if (bytesDone === bytesTotal || reported < 0 || bytesDone - reported >= 256 * 1024) {
        progress.bytes(`Downloading ${archive}`, { ...downloadStatus(runDir, checkpoint), ...fields, archive_path: archive }, bytesDone, bytesTotal, bar);
        reported = bytesDone;
      }
    });
    if (bar) progress.endBar();
  }
  if (existsSync(files)) return;
  download.emit('archive_extract', `Extracting ${archive}`, { ...fields, archive_path: archive, extracted_dir: files });
  await extractArchive(archive, files);
}

