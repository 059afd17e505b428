import type { Readable } from 'node:stream';

/** Inclusive byte range, as HTTP `Range: bytes=start-end` states it. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Keys of files taken in while a request is still being checked (a streamed explore library),
 * before any job owns them: moved to the job's key when it is created, deleted otherwise, and
 * removed with the incomplete writes after a crash.
 */
export const INCOMING_PREFIX = 'incoming';

/**
 * Where file bytes live (result files, uploaded inputs). The database says which files exist;
 * the blob store only keeps bytes under opaque keys. A local folder by default; an
 * S3-compatible implementation can take its place at scale (DESIGN.md).
 */
export interface BlobStore {
  /** Atomic: readers see the whole blob or none of it. */
  put(key: string, data: Buffer): Promise<void>;
  /** `put` for bytes that arrive as a stream (a large download): never held whole; returns the size. */
  putStream(key: string, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<number>;
  /** Renames a blob (a file taken in under `INCOMING_PREFIX` to its job's key), atomically. */
  move(from: string, to: string): Promise<void>;
  /** A path this host reads the blob from, for a worker thread to stream it without the store. */
  localPath(key: string): string;
  read(key: string, range?: ByteRange): Readable;
  readAll(key: string): Promise<Buffer>;
  /** Missing keys are ignored (deleting twice is harmless). */
  delete(keys: readonly string[]): Promise<void>;
  /**
   * Deletes every blob whose key starts with `prefix/` — a job's folder, including files an
   * engine wrote for a batch that was never committed (a crash between the two).
   */
  deleteFolder(prefix: string): Promise<void>;
  /**
   * Removes what interrupted writes left behind before `olderThan` (a process killed mid-`put`,
   * or between taking a file in and creating its job); returns how many.
   */
  removeIncompleteWrites(olderThan: Date): Promise<number>;
}
