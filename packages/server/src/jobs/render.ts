import type { JobRow, JobSummaryRow } from '@boltz/storage';
import type { PresignedFile, UrlSigner } from '../files/url-signer.ts';
import { mapFileReferences } from './job-files.ts';

/** Fields of every prediction, in list items and full reads alike (spec/API.md §8). */
function summary(row: JobSummaryRow) {
  return {
    id: row.id,
    status: row.status,
    model: row.model,
    version: row.version,
    livemode: row.mode === 'live',
    workspace_id: row.workspace_id,
    created_at: row.created_at,
    started_at: row.started_at,
    completed_at: row.completed_at,
    expires_at: row.expires_at,
    data_deleted_at: row.data_deleted_at,
    error: row.error === null ? null : JSON.parse(row.error),
    ...(row.idempotency_key !== null ? { idempotency_key: row.idempotency_key } : {}),
  };
}

export function toPredictionListItem(row: JobSummaryRow) {
  return summary(row);
}

/**
 * A full prediction. File references in `input` and `output` become freshly presigned
 * `{url, url_expires_at}` objects on every read (spec/API.md §7.6).
 */
export function toPrediction(row: JobRow, presign: (file: { file_id: string; filename: string }) => PresignedFile) {
  const withUrls = (json: string | null) => (json === null ? null : mapFileReferences(JSON.parse(json), presign));
  return { ...summary(row), input: withUrls(row.input), output: row.status === 'succeeded' ? withUrls(row.output) : null };
}

export function presignerFor(signer: UrlSigner, origin: string, now: Date) {
  return (file: { file_id: string; filename: string }) => signer.presign(origin, file, now);
}
