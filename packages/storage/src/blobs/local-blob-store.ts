import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore, ByteRange } from './blob-store.ts';

const SAFE_KEY = /^[0-9A-Za-z_\-./]+$/;

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
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Write a temporary file, flush it, then rename: a crash leaves the old state or the new
    // one, never a truncated file under the real name.
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
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
}

export function localBlobStoreIn(dataDir: string): LocalBlobStore {
  return new LocalBlobStore(join(dataDir, 'results'));
}
