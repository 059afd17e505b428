import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Boltz from 'boltz-api';
import { openStorage } from '@boltz/storage';
import { type TestDatabaseLocation, createTestDatabaseLocation } from '../../storage/test/test-database.ts';
import { allResults, legacyDesignBody, waitForRun } from './pipelines.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';

const TEST_ADMIN_KEY = `sk_bc_admin_test_${'P'.repeat(40)}`;
const PROTEINS = 2000;

/**
 * Pipelines survive a crash (issue 8): a server killed with SIGKILL in the middle of a
 * 2,000-protein run loses no committed result and duplicates none; after a restart the run
 * continues from its checkpoint and ends with exactly 2,000 results and 2,000 billed units.
 */
describe('a pipeline run across a server crash', () => {
  let location: TestDatabaseLocation;
  let env: Record<string, string>;
  let running: ServerProcess | undefined;

  before(async () => {
    location = await createTestDatabaseLocation();
    env = {
      ...location.env,
      LOG_LEVEL: 'error',
      BOLTZ_BOOTSTRAP_TEST_ADMIN_KEY: TEST_ADMIN_KEY,
      BOLTZ_TEST_TIMING: 'instant',
      BOLTZ_JOB_LEASE_MS: '1500',
      BOLTZ_RUNNER_POLL_MS: '100',
    };
  });
  after(async () => {
    if (running) await running.stop();
    await location.dispose();
  });

  it('SIGKILL mid-run, restart: exactly num_proteins results, each billed once', async () => {
    running = await startServerProcess(env);
    let client = new Boltz({ apiKey: TEST_ADMIN_KEY, baseURL: running.baseURL, maxRetries: 0, logLevel: 'off' });
    const run = await client.protein.design.start(legacyDesignBody(PROTEINS));
    const partway = await waitForRun(client, 'design', run.id, (r) => r.progress.num_proteins_generated >= 100, 120_000);
    running.child.kill('SIGKILL');
    assert.equal((await running.exited).signal, 'SIGKILL');
    assert.ok(partway.progress.num_proteins_generated < PROTEINS, `the kill must interrupt the run: ${JSON.stringify(partway)}`);

    running = await startServerProcess(env);
    client = new Boltz({ apiKey: TEST_ADMIN_KEY, baseURL: running.baseURL, maxRetries: 0, logLevel: 'off' });
    const done = await waitForRun(client, 'design', run.id, undefined, 300_000);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error) + running.stdout().slice(-3000) + running.stderr().slice(-2000));
    assert.equal(done.progress.num_proteins_generated, PROTEINS);
    const results = await allResults(client, 'design', run.id, { limit: 1000 });
    assert.equal(results.length, PROTEINS);
    assert.equal(new Set(results.map((result) => result.id)).size, PROTEINS);
    assert.deepEqual(results.map((result) => result.id), [...results.map((result) => result.id)].sort(), 'results stay in production order');

    const storage = openStorage({ url: location.url, schema: location.schema, poolSize: 1 });
    try {
      const ledger = await storage.db.selectFrom('usage_ledger').select(['quantity', 'batch']).where('job_id', '=', run.id).execute();
      assert.equal(ledger.reduce((sum, row) => sum + row.quantity, 0), PROTEINS, 'ledger units equal results');
      assert.equal(new Set(ledger.map((row) => row.batch)).size, ledger.length);
      const job = await storage.jobs.findById(run.id);
      assert.ok(job!.attempts >= 2, 'the interrupted run ran again');
      const seqs = await storage.db.selectFrom('job_results').select('seq').where('job_id', '=', run.id).orderBy('seq').execute();
      assert.deepEqual(seqs.map((row) => row.seq), Array.from({ length: PROTEINS }, (_, i) => i));
    } finally {
      await storage.close();
    }
  });
});
