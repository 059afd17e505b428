import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MAX_ATTEMPTS } from '../src/jobs/runner.ts';
import { type TestServer, startTestServer } from './harness.ts';
import { ADME_INPUT, waitUntilDone } from './predictions.ts';

/** Queue rules beyond the happy path (DESIGN.md "the job table is the queue"). */
describe('prediction queue', () => {
  let server: TestServer;

  before(async () => {
    // `realistic` keeps ADME jobs pending for a second: time to look at the queue entry.
    server = await startTestServer({ BOLTZ_TEST_TIMING: 'realistic' });
  });
  after(() => server.close());

  it('a job taken over too many times fails instead of running forever', async () => {
    const client = server.client(server.testAdminKey);
    const started = await client.predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT });
    // As if MAX_ATTEMPTS runners had claimed it and died.
    await server.storage.db.updateTable('jobs').set({ attempts: MAX_ATTEMPTS }).where('id', '=', started.id).where('status', '=', 'pending').execute();
    const done = await waitUntilDone(client, 'adme', started.id);
    assert.equal(done.status, 'failed');
    assert.equal(done.error?.code, 'engine_failed');
    assert.equal(done.output, null);
    assert.equal((await server.storage.db.selectFrom('usage_ledger').select('job_id').where('job_id', '=', started.id).execute()).length, 0, 'failures are not charged');
  });

  it('started_at and completed_at follow pending → running → succeeded', async () => {
    const client = server.client(server.testAdminKey);
    const started = await client.predictions.adme.start({ model: 'adme-v1', input: { molecules: [{ smiles: 'CCO' }] } });
    assert.equal(started.status, 'pending');
    const seen = new Set<string>();
    let job: any = started;
    while (job.status !== 'succeeded' && job.status !== 'failed') {
      seen.add(job.status);
      if (job.status === 'running') assert.notEqual(job.started_at, null);
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = await client.predictions.adme.retrieve(started.id);
    }
    assert.equal(job.status, 'succeeded');
    assert.ok(seen.has('pending') && seen.has('running'), `states seen: ${[...seen]}`);
    assert.ok(Date.parse(job.created_at) <= Date.parse(job.started_at) && Date.parse(job.started_at) <= Date.parse(job.completed_at));
  });
});
