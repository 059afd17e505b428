import type { InputFile } from '@boltz/engines';
import type { BlobStore, JobRow, Storage } from '@boltz/storage';
import type { Family } from '../families/family.ts';

/** A job's decoded input files, keyed by their input path (what engines look them up by). */
export async function inputFilesOf(storage: Storage, blobs: BlobStore, job: JobRow): Promise<Map<string, InputFile>> {
  const byPath: Record<string, string> = job.input_files ? JSON.parse(job.input_files) : {};
  const rows = await storage.files.findLive(Object.values(byPath));
  const byId = new Map(rows.map((row) => [row.id, row]));
  const files = new Map<string, InputFile>();
  for (const [path, fileId] of Object.entries(byPath)) {
    const row = byId.get(fileId);
    if (row) files.set(path, { data: await blobs.readAll(row.storage_key), mediaType: row.media_type });
  }
  return files;
}

/** The input an engine receives: the stored input, with a screen's candidate list read back from its file. */
export function engineInputOf(family: Family, job: JobRow, files: ReadonlyMap<string, InputFile>): unknown {
  const input = JSON.parse(job.input!);
  const field = family.type === 'pipeline' ? family.candidateListField : undefined;
  const list = field ? files.get(field) : undefined;
  if (field && list) input[field] = JSON.parse(list.data.toString('utf8'));
  return input;
}
