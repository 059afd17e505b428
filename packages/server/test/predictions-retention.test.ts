import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { APIError } from 'boltz-api';
import { type TestServer, startTestServer } from './harness.ts';
import { ADME_INPUT, STRUCTURE_INPUT, download, fileObjects, newWorkspace, waitUntilDone } from './predictions.ts';

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    assert.ok(Date.now() < deadline, `condition not reached: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Retention (spec/API.md §7.2): expiry after completion + workspace retention, and the 30-day rule. */
describe('prediction data retention', () => {
  let server: TestServer;
  let idle: TestServer;

  before(async () => {
    server = await startTestServer({ BOLTZ_TEST_TIMING: 'instant', BOLTZ_RETENTION_SWEEP_MS: '100' });
    // No runners: jobs stay pending, as if every GPU were busy.
    idle = await startTestServer({ BOLTZ_RUNNERS: '0', BOLTZ_RETENTION_SWEEP_MS: '100' });
  });
  after(async () => {
    await server.close();
    await idle.close();
  });

  it('expires_at is completion plus the workspace retention', async () => {
    const admin = server.client(server.liveAdminKey);
    const workspaceId = await newWorkspace(server, 'Short retention');
    await admin.admin.workspaces.update(workspaceId, { data_retention: { unit: 'hours', value: 5 } });
    const client = server.client(server.testAdminKey);
    const started = await client.predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT, workspace_id: workspaceId });
    const done = await waitUntilDone(client, 'adme', started.id);
    assert.equal(Date.parse(done.expires_at) - Date.parse(done.completed_at), 5 * 3600_000);
  });

  it('the sweeper deletes input, output and files once a job has expired', async () => {
    const client = server.client(server.testAdminKey);
    const started = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT });
    const done = await waitUntilDone(client, 'structureAndBinding', started.id);
    const urls = fileObjects(done.output).map((file) => file.url);
    assert.ok(urls.length > 0);
    // Travel in time: the retention period is over.
    await server.storage.db.updateTable('jobs').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', started.id).execute();

    const expired = await eventually(() => client.predictions.structureAndBinding.retrieve(started.id), (job) => job.data_deleted_at !== null);
    assert.equal(expired.status, 'succeeded');
    assert.equal(expired.input, null);
    assert.equal(expired.output, null);
    for (const url of urls) assert.equal((await download(url)).status, 404);
  });

  it('delete-data on a pending job is 409 conflict', async () => {
    const client = idle.client(idle.testAdminKey);
    const started = await client.predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT });
    await assert.rejects(client.predictions.adme.deleteData(started.id), (error) => {
      assert.ok(error instanceof APIError);
      assert.equal(error.status, 409);
      assert.equal((error.error as { code: string }).code, 'conflict');
      assert.equal(error.headers?.get('x-should-retry'), 'false');
      return true;
    });
    assert.equal((await client.predictions.adme.retrieve(started.id)).status, 'pending');
  });

  it('a job unfinished 30 days after creation is failed with timeout and purged', async () => {
    const client = idle.client(idle.testAdminKey);
    const started = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT });
    const recent = await client.predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT });
    const monthAgo = new Date(Date.now() - 31 * 24 * 3600_000).toISOString();
    await idle.storage.db.updateTable('jobs').set({ created_at: monthAgo }).where('id', '=', started.id).execute();

    const failed = await eventually(() => client.predictions.structureAndBinding.retrieve(started.id), (job) => job.status !== 'pending');
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'timeout');
    assert.equal(failed.input, null);
    assert.equal(failed.output, null);
    assert.notEqual(failed.data_deleted_at, null);
    assert.notEqual(failed.completed_at, null);
    // Younger jobs are left alone.
    assert.equal((await client.predictions.adme.retrieve(recent.id)).status, 'pending');
  });
});
