import type { Readable } from 'node:stream';

/** Inclusive byte range, as HTTP `Range: bytes=start-end` states it. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where file bytes live (result files, uploaded inputs). The database says which files exist;
 * the blob store only keeps bytes under opaque keys. A local folder by default; an
 * S3-compatible implementation can take its place at scale (DESIGN.md).
 */
export interface BlobStore {
  /** Atomic: readers see the whole blob or none of it. */
  put(key: string, data: Buffer): Promise<void>;
  read(key: string, range?: ByteRange): Readable;
  readAll(key: string): Promise<Buffer>;
  /** Missing keys are ignored (deleting twice is harmless). */
  delete(keys: readonly string[]): Promise<void>;
  /**
   * Deletes every blob whose key starts with `prefix/` — a job's folder, including files an
   * engine wrote for a batch that was never committed (a crash between the two).
   */
  deleteFolder(prefix: string): Promise<void>;
  /** Removes what interrupted writes left behind (a process killed mid-`put`) before `olderThan`; returns how many. */
  removeIncompleteWrites(olderThan: Date): Promise<number>;
}
