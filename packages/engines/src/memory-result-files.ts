import { createHash } from 'node:crypto';
import type { ResultFiles, StoredFile } from './engine.ts';

/**
 * A `ResultFiles` that keeps every stored file in memory, for tests and tools that run an
 * engine without a server. File ids are content hashes, so deterministic engines give
 * deterministic outputs here too.
 */
export interface MemoryResultFiles extends ResultFiles {
  readonly files: Map<string, StoredFile & { data: Buffer }>;
  /** The stored bytes behind a `file_id`; throws for unknown ids. */
  read(fileId: string): Buffer;
}

export function createMemoryResultFiles(): MemoryResultFiles {
  const files = new Map<string, StoredFile & { data: Buffer }>();
  return {
    files,
    async put(filename, data, mediaType) {
      const digest = createHash('sha256').update(filename).update('\0').update(data).digest('hex');
      const stored: StoredFile = { file_id: `file_${digest.slice(0, 20)}`, filename, media_type: mediaType, size: data.length };
      files.set(stored.file_id, { ...stored, data });
      return stored;
    },
    defer(filename, mediaType, recipe) {
      const digest = createHash('sha256').update(filename).update('\0').update(recipe).digest('hex');
      return { file_id: `file_${digest.slice(0, 20)}`, filename, media_type: mediaType, size: 0 };
    },
    read(fileId) {
      const file = files.get(fileId);
      if (!file) throw new Error(`no stored file ${fileId}`);
      return file.data;
    },
  };
}
