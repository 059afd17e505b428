import { newId } from '@boltz/shared';
import type { ResultFiles, StoredFile } from '@boltz/engines';
import type { BlobStore, FileRow, JobRow } from '@boltz/storage';

export const FILE_ID_PREFIX = 'file_';

/** Where a job's file lives in the blob store: grouped by workspace and job, named by id. */
export function storageKeyOf(workspaceId: string, jobId: string, fileId: string): string {
  return `${workspaceId}/${jobId}/${fileId}`;
}

/** The reference a job's input/output JSON keeps in place of a File object. */
export function storedFileOf(row: Pick<FileRow, 'id' | 'filename' | 'media_type' | 'size'>): StoredFile {
  return { file_id: row.id, filename: row.filename, media_type: row.media_type, size: row.size };
}

export function newFileRow(
  job: Pick<JobRow, 'id' | 'organization_id' | 'workspace_id'>,
  role: FileRow['role'],
  file: { filename: string; mediaType: string; size: number },
  now: string,
): FileRow {
  const id = newId(FILE_ID_PREFIX);
  return {
    id,
    job_id: job.id,
    organization_id: job.organization_id,
    workspace_id: job.workspace_id,
    role,
    filename: file.filename,
    media_type: file.mediaType,
    size: file.size,
    storage_key: storageKeyOf(job.workspace_id, job.id, id),
    created_at: now,
    deleted_at: null,
  };
}

/** Storage key of a file that is not stored but re-created by its engine on download. */
export const DEFERRED_KEY_PREFIX = 'deferred:';

export function deferredRecipeOf(storageKey: string): string | undefined {
  return storageKey.startsWith(DEFERRED_KEY_PREFIX) ? storageKey.slice(DEFERRED_KEY_PREFIX.length) : undefined;
}

/** The blob-store folder of a job: every file it has, committed or not. */
export function jobFolderOf(job: Pick<JobRow, 'id' | 'workspace_id'>): string {
  return `${job.workspace_id}/${job.id}`;
}

/**
 * What an engine writes its result files through (packages/engines/src/engine.ts). Bytes are
 * stored at once, but the file rows wait for the transaction that commits the results they
 * belong to (`take`): a file of a batch that never commits has no row, so no URL can reach it,
 * and its bytes go with the job's folder.
 */
export class PendingResultFiles implements ResultFiles {
  private pending: FileRow[] = [];

  constructor(
    private readonly blobs: BlobStore,
    private readonly job: JobRow,
    private readonly now: () => Date,
  ) {}

  async put(filename: string, data: Buffer, mediaType: string): Promise<StoredFile> {
    const row = newFileRow(this.job, 'output', { filename, mediaType, size: data.length }, this.now().toISOString());
    await this.blobs.put(row.storage_key, data);
    this.pending.push(row);
    return storedFileOf(row);
  }

  defer(filename: string, mediaType: string, recipe: string): StoredFile {
    const row = { ...newFileRow(this.job, 'output', { filename, mediaType, size: 0 }, this.now().toISOString()), storage_key: DEFERRED_KEY_PREFIX + recipe };
    this.pending.push(row);
    return storedFileOf(row);
  }

  /** The rows of the files stored since the last call, for the committing transaction. */
  take(): FileRow[] {
    const rows = this.pending;
    this.pending = [];
    return rows;
  }

  /** Drops the bytes of files whose batch will not be committed (by default: all not yet taken). */
  async discard(rows: readonly FileRow[] = this.take()): Promise<void> {
    await this.blobs.delete(rows.map((row) => row.storage_key).filter((key) => deferredRecipeOf(key) === undefined));
  }
}

/**
 * `value` — freshly parsed JSON that the caller owns — with every stored-file reference replaced
 * by `replace(ref)`, in place (a results page replaces 200 references in 100 rows; copying every
 * object on the way cost more than signing them). Fields kept beside a reference (a template's
 * `id`) stay beside what replaces it.
 */
export function mapFileReferences(value: unknown, replace: (file: StoredFile) => unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = mapFileReferences(value[i], replace);
    return value;
  }
  const object = value as Record<string, unknown>;
  if (typeof object.file_id === 'string' && typeof object.filename === 'string') {
    const { file_id, filename, media_type, size, ...kept } = object;
    return { ...kept, ...(replace({ file_id, filename, media_type, size } as StoredFile) as object) };
  }
  for (const key in object) object[key] = mapFileReferences(object[key], replace);
  return object;
}
