import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { after, describe, it } from 'node:test';
import { INCOMING_PREFIX, LocalBlobStore } from '../src/index.ts';

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

  it('deletes a job folder with everything in it, and removes old leftovers of interrupted writes only', async () => {
    await blobs.put('ws_2/job_2/file_a', Buffer.from('a'));
    await blobs.put('ws_2/job_2/file_b', Buffer.from('b'));
    await blobs.deleteFolder('ws_2/job_2');
    assert.deepEqual(readdirSync(join(root, 'ws_2')), []);

    mkdirSync(join(root, 'ws_3/job_3'), { recursive: true });
    const old = join(root, 'ws_3/job_3/file_c.0a1b2c3d4e5f.tmp');
    const fresh = join(root, 'ws_3/job_3/file_d.0a1b2c3d4e5f.tmp');
    writeFileSync(old, 'half');
    writeFileSync(fresh, 'being written');
    utimesSync(old, new Date(Date.now() - 7200_000), new Date(Date.now() - 7200_000));
    await blobs.put('ws_3/job_3/file_e', Buffer.from('done'));
    assert.equal(await blobs.removeIncompleteWrites(new Date(Date.now() - 3600_000)), 1);
    assert.deepEqual(readdirSync(join(root, 'ws_3/job_3')).sort(), ['file_d.0a1b2c3d4e5f.tmp', 'file_e']);
  });

  it('stores a stream as it arrives, atomically, and moves a file taken in to its job', async () => {
    async function* pieces() {
      yield Buffer.from('smiles\n');
      yield Buffer.from('CCO\n');
    }
    assert.equal(await blobs.putStream(`${INCOMING_PREFIX}/abc`, pieces()), 11);
    await blobs.move(`${INCOMING_PREFIX}/abc`, 'ws_4/job_4/library');
    assert.equal((await blobs.readAll('ws_4/job_4/library')).toString(), 'smiles\nCCO\n');
    assert.deepEqual(readdirSync(join(root, INCOMING_PREFIX)), []);
    assert.equal(blobs.localPath('ws_4/job_4/library'), join(root, 'ws_4/job_4/library'));

    // A source that fails mid-way leaves neither the blob nor its temporary file.
    async function* failing() {
      yield Buffer.from('half');
      throw new Error('connection reset');
    }
    await assert.rejects(blobs.putStream(`${INCOMING_PREFIX}/def`, failing()), /connection reset/);
    assert.deepEqual(readdirSync(join(root, INCOMING_PREFIX)), []);
  });

  it('removes files taken in for a request that never created its job, once they are old', async () => {
    await blobs.put(`${INCOMING_PREFIX}/stranded`, Buffer.from('a crash came between'));
    await blobs.put(`${INCOMING_PREFIX}/in-flight`, Buffer.from('a request still checking it'));
    const long = new Date(Date.now() - 7200_000);
    utimesSync(join(root, INCOMING_PREFIX, 'stranded'), long, long);
    assert.equal(await blobs.removeIncompleteWrites(new Date(Date.now() - 3600_000)), 1);
    assert.deepEqual(readdirSync(join(root, INCOMING_PREFIX)), ['in-flight']);
  });

  it('never names a file outside its folder', async () => {
    for (const key of ['../escape', 'ws_1/../../escape', '/etc/passwd', 'ws 1/x', '']) {
      await assert.rejects(blobs.put(key, Buffer.from('x')), /invalid blob key/, key);
    }
  });
});
