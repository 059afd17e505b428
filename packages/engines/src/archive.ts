import { gzipSync } from 'node:zlib';
import { Header } from 'tar';

/**
 * Result archives (spec/API.md §7.6, §8.2): gzip-compressed tar files built in memory. Every
 * header carries the same fixed mtime, owner and mode, and gzip writes no timestamp, so the same
 * files give byte-identical archives (test mode must be deterministic).
 */
export interface ArchiveEntry {
  path: string;
  data: Buffer;
}

const BLOCK = 512;
const FIXED_MTIME = new Date(0);

export function tarGz(entries: readonly ArchiveEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const header = new Header({
      path: entry.path,
      mode: 0o644,
      uid: 0,
      gid: 0,
      size: entry.data.length,
      mtime: FIXED_MTIME,
      type: 'File',
      uname: '',
      gname: '',
    });
    const block = Buffer.alloc(BLOCK);
    header.encode(block, 0);
    blocks.push(block, entry.data, Buffer.alloc((BLOCK - (entry.data.length % BLOCK)) % BLOCK));
  }
  // End of archive: two zero blocks.
  blocks.push(Buffer.alloc(BLOCK * 2));
  // Level 1: PAE matrices dominate large archives; the fastest level costs little in size there.
  return gzipSync(Buffer.concat(blocks), { level: 1 });
}
