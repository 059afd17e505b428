import { newId } from '@boltz/shared';
import type { ResultFiles, StoredFile } from '@boltz/engines';
import type { BlobStore, FileRow, JobRow, Storage } from '@boltz/storage';

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

/** What an engine writes its result files through (packages/engines/src/engine.ts). */
export class JobResultFiles implements ResultFiles {
  constructor(
    private readonly storage: Storage,
    private readonly blobs: BlobStore,
    private readonly job: JobRow,
    private readonly now: () => Date,
  ) {}

  async put(filename: string, data: Buffer, mediaType: string): Promise<StoredFile> {
    const row = newFileRow(this.job, 'output', { filename, mediaType, size: data.length }, this.now().toISOString());
    // Bytes first: a row never points at a missing blob.
    await this.blobs.put(row.storage_key, data);
    await this.storage.files.insert([row]);
    return storedFileOf(row);
  }
}

/** Deep copy of `value` with every stored-file reference replaced by `replace(ref)`. */
export function mapFileReferences(value: unknown, replace: (file: StoredFile) => unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => mapFileReferences(item, replace));
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  if (typeof object.file_id === 'string' && typeof object.filename === 'string') return replace(object as unknown as StoredFile);
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, mapFileReferences(item, replace)]));
}
