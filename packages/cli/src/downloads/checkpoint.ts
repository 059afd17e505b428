import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CliError } from '../errors.ts';
import type { RunType } from './run-type.ts';

/**
 * `.boltz-run.json`, the resumable state of one download run (CLI.md §9.2). The format is shared
 * with the official CLI, so unknown keys are kept when the file is rewritten.
 */
export interface Checkpoint {
  schema_version: 1;
  name: string;
  run_type: RunType;
  download_mode: 'everything' | 'metadata_only';
  request_fingerprint: string;
  idempotency_key: string;
  remote: {
    run_id: string;
    workspace_id: string | null;
    status: string | null;
    started_at: string | null;
    completed_at: string | null;
    stopped_at: string | null;
    latest_result_id: string | null;
    error_code: string | null;
  };
  pending: { kind: 'prediction_archive' | 'result_page'; after_id: string | null; page_last_id: string | null; result_ids: string[] } | null;
  cursor_after_id: string | null;
  [unknown: string]: unknown;
}

export const CHECKPOINT_FILE = '.boltz-run.json';

export function checkpointPath(runDir: string): string {
  return join(runDir, CHECKPOINT_FILE);
}

export function readCheckpoint(runDir: string): Checkpoint | undefined {
  const path = checkpointPath(runDir);
  if (!existsSync(path)) return undefined;
  let checkpoint: Checkpoint;
  try {
    checkpoint = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`Could not read ${path}: ${(error as Error).message}`);
  }
  if (checkpoint.schema_version !== 1) throw new CliError(`Unsupported schema_version ${JSON.stringify(checkpoint.schema_version)} in ${path}`);
  return checkpoint;
}

export function newCheckpoint(runDir: string, runType: RunType, runId: string, workspaceId: string | null, downloadMode: Checkpoint['download_mode']): Checkpoint {
  return {
    schema_version: 1,
    name: basename(runDir),
    run_type: runType,
    download_mode: downloadMode,
    request_fingerprint: requestFingerprint(runType, runId, workspaceId),
    idempotency_key: `download_${randomBytes(16).toString('hex')}`,
    remote: { run_id: runId, workspace_id: workspaceId, status: null, started_at: null, completed_at: null, stopped_at: null, latest_result_id: null, error_code: null },
    pending: null,
    cursor_after_id: null,
  };
}

/** sha256 of `{"run_type","run_id","workspace_id"}` (§9.2), recomputed when the workspace becomes known. */
export function requestFingerprint(runType: RunType, runId: string, workspaceId: string | null): string {
  return createHash('sha256').update(JSON.stringify({ run_type: runType, run_id: runId, workspace_id: workspaceId })).digest('hex');
}

/** Pretty JSON, written to a temporary file and renamed so that a kill never leaves half a file. */
export function writeJsonAtomically(path: string, value: unknown): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(temporary, path);
}

export function writeCheckpoint(runDir: string, checkpoint: Checkpoint): void {
  writeJsonAtomically(checkpointPath(runDir), checkpoint);
}

/** `download-status` (§9.5): the checkpoint summarised, no network. */
export function downloadStatus(runDir: string, checkpoint: Checkpoint): Record<string, unknown> {
  const status = checkpoint.remote.status;
  const pending = checkpoint.pending;
  const phase = pending
    ? pending.kind === 'prediction_archive'
      ? 'materializing_outputs'
      : 'materializing_results'
    : status === null
      ? 'created'
      : status === 'pending' || status === 'running'
        ? 'waiting_remote'
        : status === 'succeeded'
          ? 'ready'
          : status;
  const remote = Object.fromEntries(Object.entries(checkpoint.remote).filter(([, value]) => value !== null));
  return {
    run_dir: runDir,
    name: checkpoint.name,
    run_type: checkpoint.run_type,
    download_mode: checkpoint.download_mode,
    phase,
    ready: !pending && (status === 'succeeded' || status === 'stopped'),
    pending_kind: pending?.kind ?? null,
    pending_count: pending?.result_ids.length ?? 0,
    pending_after_id: pending?.after_id ?? null,
    pending_page_last_id: pending?.page_last_id ?? null,
    pending_result_ids: pending?.result_ids ?? [],
    cursor_after_id: checkpoint.cursor_after_id,
    ...remote,
  };
}
