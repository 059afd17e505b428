import type { JobResultRow, JobRow, JobSummaryRow } from '@boltz/storage';
import type { Family } from '../families/family.ts';
import type { PresignedFile, UrlSigner } from '../files/url-signer.ts';
import { mapFileReferences } from './job-files.ts';

export type Presign = (file: { file_id: string; filename: string }) => PresignedFile;

const json = (text: string | null) => (text === null ? null : JSON.parse(text));

/** Fields of every job, in list items and full reads alike (spec/API.md §7.2). */
function common(row: JobSummaryRow) {
  return {
    id: row.id,
    status: row.status,
    livemode: row.mode === 'live',
    workspace_id: row.workspace_id,
    created_at: row.created_at,
    started_at: row.started_at,
    completed_at: row.completed_at,
    data_deleted_at: row.data_deleted_at,
    error: json(row.error),
    ...(row.idempotency_key !== null ? { idempotency_key: row.idempotency_key } : {}),
  };
}

/** What a list shows of a job of `family` (spec/API.md §8, §10). */
export function toListItem(family: Family, row: JobSummaryRow) {
  if (family.type === 'prediction') {
    return { ...common(row), model: row.model, version: row.version, expires_at: row.expires_at };
  }
  return {
    ...common(row),
    stopped_at: row.stopped_at,
    pipeline: family.pipeline,
    pipeline_version: family.pipelineVersion,
    engine: family.pipeline,
    engine_version: family.pipelineVersion,
    progress: json(row.progress),
  };
}

/**
 * A full job. File references in `input` and `output` become freshly presigned
 * `{url, url_expires_at}` objects on every read (spec/API.md §7.6).
 */
export function toResource(family: Family, row: JobRow, presign: Presign) {
  const withUrls = (text: string | null) => (text === null ? null : mapFileReferences(JSON.parse(text), presign));
  if (family.type === 'prediction') {
    return { ...toListItem(family, row), input: withUrls(row.input), output: row.status === 'succeeded' ? withUrls(row.output) : null };
  }
  return { ...toListItem(family, row), input: withUrls(row.input) };
}

/** A pipeline result row as `GET …/{id}/results` shows it. */
export function toResult(row: JobResultRow, presign: Presign) {
  return { id: row.id, created_at: row.created_at, ...(mapFileReferences(JSON.parse(row.data), presign) as object) };
}

export function presignerFor(signer: UrlSigner, origin: string, now: Date): Presign {
  return signer.presigner(origin, now);
}
