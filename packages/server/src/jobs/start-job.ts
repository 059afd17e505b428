import type { JobInput } from '@boltz/engines';
import { newId } from '@boltz/shared';
import { type FileRow, type JobRow, type NewJobRow, type WorkspaceJobScope, isUniqueViolation } from '@boltz/storage';
import type { Principal } from '../auth/principal.ts';
import { reserveSpend } from '../billing/spending.ts';
import type { Quote } from '../billing/prices.ts';
import { checkAndQuoteInWorker } from '../cpu/request-checks.ts';
import { engineUnavailable, idempotencyConflict, validationError } from '../errors.ts';
import type { Family } from '../families/family.ts';
import { type ReceivedInputFile, discardIncoming, receiveInputFiles } from '../files/input-files.ts';
import type { Services } from '../services.ts';
import { requestFingerprint } from './fingerprint.ts';
import { newFileRow, storedFileOf } from './job-files.ts';
import { workspaceForNewJob } from './workspace-selection.ts';

/** The fields every start body has besides the family's own (spec/API.md §7.1, §7.3). */
export interface StartBody extends Record<string, unknown> {
  idempotency_key?: string;
  workspace_id?: string;
}

/** The same key with the same body returns the original job; another body is a conflict. */
function replay(existing: JobRow, fingerprint: string, key: string): JobRow {
  if (existing.request_fingerprint !== fingerprint) throw idempotencyConflict(key);
  return existing;
}

/** A start body's file inputs, taken in (fetched or decoded), plus the decoded bytes by path for the checks. */
interface CheckedInput {
  quote: Quote;
  received: ReceivedInputFile[];
}

/**
 * Validation shared by `start` and `estimate-cost` (spec/API.md §7.4): file inputs are taken in
 * (422 when unusable), then the family's semantic checks and its quote run in the request worker
 * pool (RDKit, structure files: work that grows with the input stays off the event loop).
 */
export async function checkAndQuote<K extends Family['kind']>(services: Services, family: Family & { kind: K }, input: JobInput<K>): Promise<CheckedInput> {
  const received = await receiveInputFiles(services, family.fileInputs(input as never));
  try {
    return { quote: await checkAndQuoteInWorker(services, family, input, received), received };
  } catch (error) {
    await discardIncoming(services.blobs, received);
    throw error;
  }
}

/** The stored input: uploaded files (and a screen's candidate list) replaced by references to their stored copies. */
function inputWithStoredFiles(input: unknown, replacements: Map<unknown, unknown>): unknown {
  const walk = (value: unknown): unknown => {
    if (value !== null && typeof value === 'object' && replacements.has(value)) return replacements.get(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return walk(input);
}

/**
 * A library screen's candidate list is kept as one JSON file and echoed as one file object
 * (spec/API.md §7.2); the runner hands the engine the list itself.
 */
function candidateListFile(family: Family, input: Record<string, unknown>): ReceivedInputFile[] {
  if (family.type !== 'pipeline' || !family.candidateListField) return [];
  const field = family.candidateListField;
  const list = input[field];
  return [{ path: field, source: list as object, data: Buffer.from(JSON.stringify(list)), mediaType: 'application/json', filename: `${field}.json` }];
}

/**
 * `POST /compute/v1/{family}`: checks in the order of spec/API.md §2.3 (permission → validation
 * → spending), then creates the job, its input files and its cost reservation in one
 * transaction. Concurrent duplicates of an idempotent request meet at the unique index: one
 * insert wins, the others read the winner.
 */
export async function startJob(services: Services, family: Family, principal: Principal, body: StartBody): Promise<JobRow> {
  const { storage, blobs, engines } = services;
  const workspace = await workspaceForNewJob(services, principal, body.workspace_id);
  const scope: WorkspaceJobScope = { organizationId: principal.organizationId, mode: principal.mode, workspaceId: workspace.id };
  const input = family.inputOf(body);
  const model = family.type === 'prediction' ? family.model : family.pipeline;
  const fingerprint = requestFingerprint({ model, input });
  const key = body.idempotency_key;
  if (key !== undefined) {
    const existing = await storage.jobs.findByIdempotencyKey(scope, family.kind, key);
    if (existing) return replay(existing, fingerprint, key);
  }

  const version = engines.versionFor(principal.mode, family);
  if (version === undefined) {
    throw engineUnavailable(`This deployment has no live engine for ${family.application} jobs; test-mode keys run them synthetically`);
  }
  const missing = principal.mode === 'live' ? family.liveInputProblems?.(input as never, services.config.jobs) : undefined;
  if (missing && Object.keys(missing).length > 0) throw validationError('This server cannot run the request as given: see details', missing);
  if (family.type === 'pipeline') {
    // Before any file is fetched or anything created (spec/PIPELINE-ENGINES.md §4.1).
    const problems = engines.admissionProblems(principal.mode, family, input as never);
    if (Object.keys(problems).length > 0) throw validationError('The request asks for something the live engine of this deployment cannot do', problems);
  }
  const { quote, received } = await checkAndQuote(services, family, input);
  const stored = [...received, ...candidateListFile(family, input as Record<string, unknown>)];

  const now = services.now();
  const nowIso = now.toISOString();
  const id = newId(family.idPrefix, now.getTime());
  const owner = { id, organization_id: scope.organizationId, workspace_id: workspace.id };
  const fileRows: FileRow[] = stored.map((file) => newFileRow(owner, 'input', { filename: file.filename, mediaType: file.mediaType, size: 'data' in file ? file.data.length : file.size }, nowIso));
  const replacements = new Map<unknown, unknown>(stored.map((file, i) => [file.source, { ...file.echo, ...storedFileOf(fileRows[i]) }]));
  const row: NewJobRow = {
    ...owner,
    kind: family.kind,
    mode: principal.mode,
    status: 'pending',
    model,
    version,
    input: JSON.stringify(inputWithStoredFiles(input, replacements)),
    input_files: JSON.stringify(Object.fromEntries(stored.map((file, i) => [file.path, fileRows[i].id]))),
    output: null,
    error: null,
    progress: family.type === 'pipeline' ? JSON.stringify(family.initialProgress(input as never)) : null,
    checkpoint: null,
    idempotency_key: key ?? null,
    request_fingerprint: fingerprint,
    billed_units: quote.numUnits,
    cost_milli_usd: quote.totalMilliUsd,
    unit_cost_milli_usd: quote.costPerUnitMilliUsd,
    created_at: nowIso,
    started_at: null,
    completed_at: null,
    stopped_at: null,
    expires_at: null,
    data_deleted_at: null,
    run_after: new Date(now.getTime() + engines.pendingMs(principal.mode, family)).toISOString(),
    lease_owner: null,
    lease_expires_at: null,
  };

  // A streamed file is already stored: it only moves to its job's key.
  await Promise.all(stored.map((file, i) => ('data' in file ? blobs.put(fileRows[i].storage_key, file.data) : blobs.move(file.incomingKey, fileRows[i].storage_key))));
  try {
    await storage.transaction(async (tx) => {
      // The spending lock comes first (billing/spending.ts); test mode reserves nothing.
      await reserveSpend(tx, {
        jobId: id,
        organizationId: scope.organizationId,
        workspaceId: workspace.id,
        mode: principal.mode,
        amountMilliUsd: quote.totalMilliUsd,
        now,
      });
      await tx.jobs.insert(row);
      await tx.files.insert(fileRows);
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
  return { ...row, attempts: 0, result_count: 0, settled_units: 0, unit_cost_milli_usd: quote.costPerUnitMilliUsd };
}
