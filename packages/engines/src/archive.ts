import { gzipSync } from 'node:zlib';
import { Header } from 'tar';

/**
 * Result archives (spec/API.md §7.6, §8.2): gzip-compressed tar files built in memory. Every
 * header carries the same fixed mtime, owner and mode, and gzip writes no timestamp, so the same
 * files give byte-identical archives (test mode must be deterministic).
 */
export interface ArchiveEntry {
  path: string;
  /** The bytes, or the bytes already compressed (compressedEntryData) by a producer that cannot hold many raw files at once. */
  data: Buffer | CompressedData;
}

export interface CompressedData {
  size: number;
  gzipped: Buffer;
}

/** Compresses a file's bytes the way tarGz would (its tar padding included), so the raw bytes can be dropped now. */
export function compressedEntryData(data: Buffer): CompressedData {
  const padding = (BLOCK - (data.length % BLOCK)) % BLOCK;
  return { size: data.length, gzipped: Buffer.concat([gzipSync(data, { level: 1 }), ...(padding > 0 ? [gzipSync(Buffer.alloc(padding), { level: 1 })] : [])]) };
}

const BLOCK = 512;
const FIXED_MTIME = new Date(0);

export function tarGz(entries: readonly ArchiveEntry[]): Buffer {
  // One gzip member per piece, concatenated: a valid gzip stream (RFC 1952 §2.2) that every
  // reader decompresses as one, without first copying the whole tar (gigabytes of PAE matrices
  // for the largest test-mode predictions) into one buffer. Level 1: PAE matrices dominate large
  // archives; the fastest level costs little in size there.
  const members: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.isBuffer(entry.data) ? compressedEntryData(entry.data) : entry.data;
    const header = new Header({
      path: entry.path,
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: data.size,
      mtime: FIXED_MTIME,
      type: 'File',
      uname: '',
      gname: '',
    });
    const block = Buffer.alloc(BLOCK);
    header.encode(block, 0);
    members.push(gzipSync(block, { level: 1 }), data.gzipped);
  }
  // End of archive: two zero blocks.
  members.push(gzipSync(Buffer.alloc(BLOCK * 2), { level: 1 }));
  return Buffer.concat(members);
}
