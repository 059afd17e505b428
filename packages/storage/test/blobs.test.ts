import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { after, describe, it } from 'node:test';
import { LocalBlobStore } from '../src/index.ts';

describe('LocalBlobStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'boltz-blobs-'));
  const blobs = new LocalBlobStore(root);
  after(() => rmSync(root, { recursive: true, force: true }));

  it('stores, reads whole and by byte range, and deletes idempotently', async () => {
    await blobs.put('ws_1/job_1/file_1', Buffer.from('0123456789'));
    assert.equal((await blobs.readAll('ws_1/job_1/file_1')).toString(), '0123456789');
    assert.equal(await text(blobs.read('ws_1/job_1/file_1', { start: 2, end: 4 })), '234');
    assert.equal(await text(blobs.read('ws_1/job_1/file_1')), '0123456789');
    // Replacing is atomic (temporary file + rename): no temporary file is left behind.
    await blobs.put('ws_1/job_1/file_1', Buffer.from('abc'));
    assert.deepEqual(readdirSync(join(root, 'ws_1/job_1')), ['file_1']);
    assert.equal((await blobs.readAll('ws_1/job_1/file_1')).toString(), 'abc');
    await blobs.delete(['ws_1/job_1/file_1', 'ws_1/job_1/missing']);
    await assert.rejects(blobs.readAll('ws_1/job_1/file_1'), { code: 'ENOENT' });
  });

  it('never names a file outside its folder', async () => {
    for (const key of ['../escape', 'ws_1/../../escape', '/etc/passwd', 'ws 1/x', '']) {
      await assert.rejects(blobs.put(key, Buffer.from('x')), /invalid blob key/, key);
    }
  });
});
