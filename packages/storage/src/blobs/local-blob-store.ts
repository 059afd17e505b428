import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { type BlobStore, type ByteRange, INCOMING_PREFIX } from './blob-store.ts';

const SAFE_KEY = /^[0-9A-Za-z_\-./]+$/;
/** What `put` writes before renaming into place; left behind only by a process killed mid-write. */
const TEMPORARY_SUFFIX = '.tmp';

/** Blobs as files under one folder (`$BOLTZ_DATA_DIR/results` by default). */
export class LocalBlobStore implements BlobStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    // Keys are built by the server, but a key must never name a file outside the folder.
    if (!SAFE_KEY.test(key) || key.includes('..') || !path.startsWith(this.root + sep)) throw new Error(`invalid blob key ${key}`);
    return path;
  }

  async put(key: string, data: Buffer): Promise<void> {
    await this.putStream(key, [data]);
  }

  async putStream(key: string, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<number> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Write a temporary file, flush it, then rename: a crash leaves the old state or the new
    // one, never a truncated file under the real name.
    const temporary = `${path}.${randomBytes(6).toString('hex')}${TEMPORARY_SUFFIX}`;
    const handle = await open(temporary, 'w', 0o600);
    let size = 0;
    try {
      for await (const chunk of source) {
        await handle.writeFile(chunk); // writes all of it (a bare write may write part)
        size += chunk.length;
      }
      await handle.sync();
    } catch (error) {
      await handle.close();
      await rm(temporary, { force: true });
      throw error;
    }
    await handle.close();
    await rename(temporary, path);
    return size;
  }

  async move(from: string, to: string): Promise<void> {
    const target = this.pathOf(to);
    await mkdir(dirname(target), { recursive: true });
    await rename(this.pathOf(from), target);
  }

  localPath(key: string): string {
    return this.pathOf(key);
  }

  read(key: string, range?: ByteRange): Readable {
    return createReadStream(this.pathOf(key), range ? { start: range.start, end: range.end } : {});
  }

  readAll(key: string): Promise<Buffer> {
    return readFile(this.pathOf(key));
  }

  async delete(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.pathOf(key), { force: true })));
  }

  async deleteFolder(prefix: string): Promise<void> {
    await rm(this.pathOf(prefix), { recursive: true, force: true });
  }

  async removeIncompleteWrites(olderThan: Date): Promise<number> {
    let removed = 0;
    const entries = await readdir(this.root, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    for (const entry of entries) {
      const path = join(entry.parentPath, entry.name);
      const incoming = path.startsWith(join(this.root, INCOMING_PREFIX) + sep);
      if (!entry.isFile() || !(entry.name.endsWith(TEMPORARY_SUFFIX) || incoming)) continue;
      const { mtime } = await stat(path).catch(() => ({ mtime: new Date() }));
      if (mtime >= olderThan) continue;
      await rm(path, { force: true });
      removed++;
    }
    return removed;
  }
}

export function localBlobStoreIn(dataDir: string): LocalBlobStore {
  return new LocalBlobStore(join(dataDir, 'results'));
}
