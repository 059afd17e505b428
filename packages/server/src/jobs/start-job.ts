import { newId } from '@boltz/shared';
import { FileStore, type FileRow, JobStore, type JobRow, type NewJobRow, type WorkspaceJobScope, isUniqueViolation } from '@boltz/storage';
import type { Principal } from '../auth/principal.ts';
import { reserveSpend } from '../billing/spending.ts';
import type { Quote } from '../billing/prices.ts';
import { checkAndQuoteInWorker } from '../cpu/request-checks.ts';
import { engineUnavailable, idempotencyConflict } from '../errors.ts';
import { type ReceivedInputFile, receiveInputFiles } from '../files/input-files.ts';
import type { Services } from '../services.ts';
import type { PredictionFamily } from './families.ts';
import { requestFingerprint } from './fingerprint.ts';
import { newFileRow, storedFileOf } from './job-files.ts';
import { workspaceForNewJob } from './workspace-selection.ts';

export interface StartBody {
  model: string;
  input: any;
  idempotency_key?: string;
  workspace_id?: string;
}

/** The same key with the same body returns the original job; another body is a conflict. */
function replay(existing: JobRow, fingerprint: string, key: string): JobRow {
  if (existing.request_fingerprint !== fingerprint) throw idempotencyConflict(key);
  return existing;
}

/** Validation shared by `start` and `estimate-cost` (spec/API.md §7.4): 422 with details. */
export async function checkAndQuote(services: Services, family: PredictionFamily, input: unknown): Promise<Quote> {
  return checkAndQuoteInWorker(services, family, input);
}

/** The stored input: uploaded files replaced by references to their stored copies. */
function inputWithStoredFiles(input: unknown, received: ReceivedInputFile[], rows: FileRow[]): unknown {
  const replacements = new Map<object, unknown>(received.map((file, i) => [file.source, storedFileOf(rows[i])]));
  const walk = (value: unknown): unknown => {
    if (value !== null && typeof value === 'object' && replacements.has(value)) return replacements.get(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return walk(input);
}

/**
 * `POST /compute/v1/predictions/{family}`: checks in the order of spec/API.md §2.3 (permission
 * → validation → spending), then creates the job, its input files and its cost reservation
 * in one transaction. Concurrent duplicates of an idempotent request meet at the unique index:
 * one insert wins, the others read the winner.
 */
export async function startJob(services: Services, family: PredictionFamily, principal: Principal, body: StartBody): Promise<JobRow> {
  const { storage, blobs, engines } = services;
  const workspace = await workspaceForNewJob(services, principal, body.workspace_id);
  const scope: WorkspaceJobScope = { organizationId: principal.organizationId, mode: principal.mode, workspaceId: workspace.id };
  const fingerprint = requestFingerprint(body);
  const key = body.idempotency_key;
  if (key !== undefined) {
    const existing = await storage.jobs.findByIdempotencyKey(scope, family.kind, key);
    if (existing) return replay(existing, fingerprint, key);
  }

  const version = engines.versionFor(principal.mode, family.kind);
  if (version === undefined) {
    throw engineUnavailable(`This deployment has no live engine for ${family.application} predictions; test-mode keys run them synthetically`);
  }
  const quote = await checkAndQuote(services, family, body.input);
  const received = await receiveInputFiles(services, family.kind, body.input);

  const now = services.now();
  const nowIso = now.toISOString();
  const id = newId(family.idPrefix, now.getTime());
  const owner = { id, organization_id: scope.organizationId, workspace_id: workspace.id };
  const fileRows = received.map((file) => newFileRow(owner, 'input', { filename: file.filename, mediaType: file.mediaType, size: file.data.length }, nowIso));
  const row: NewJobRow = {
    ...owner,
    kind: family.kind,
    mode: principal.mode,
    status: 'pending',
    model: family.model,
    version,
    input: JSON.stringify(inputWithStoredFiles(body.input, received, fileRows)),
    input_files: JSON.stringify(Object.fromEntries(received.map((file, i) => [file.path, fileRows[i].id]))),
    output: null,
    error: null,
    idempotency_key: key ?? null,
    request_fingerprint: fingerprint,
    billed_units: quote.numUnits,
    cost_milli_usd: quote.totalMilliUsd,
    created_at: nowIso,
    started_at: null,
    completed_at: null,
    expires_at: null,
    data_deleted_at: null,
    run_after: new Date(now.getTime() + engines.pendingMs(principal.mode, family.kind)).toISOString(),
    lease_owner: null,
    lease_expires_at: null,
  };

  await Promise.all(received.map((file, i) => blobs.put(fileRows[i].storage_key, file.data)));
  try {
    await storage.db.transaction().execute(async (trx) => {
      // The spending lock comes first (billing/spending.ts); test mode reserves nothing.
      await reserveSpend(trx, {
        jobId: id,
        organizationId: scope.organizationId,
        workspaceId: workspace.id,
        mode: principal.mode,
        amountMilliUsd: quote.totalMilliUsd,
        now,
      });
      await new JobStore(trx, storage.dialect).insert(row);
      await new FileStore(trx).insert(fileRows);
    });
  } catch (error) {
    await blobs.delete(fileRows.map((file) => file.storage_key));
    if (key !== undefined && isUniqueViolation(error)) {
      const winner = await storage.jobs.findByIdempotencyKey(scope, family.kind, key);
      if (winner) return replay(winner, fingerprint, key);
    }
    throw error;
  }
  services.jobQueue.wake(row.run_after);
  // What was created, not a re-read: a fast runner may already have claimed it.
  return { ...row, attempts: 0 };
}
