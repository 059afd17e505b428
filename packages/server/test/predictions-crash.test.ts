import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Boltz from 'boltz-api';
import { openStorage } from '@boltz/storage';
import { type TestDatabaseLocation, createTestDatabaseLocation } from '../../storage/test/test-database.ts';
import { ADME_INPUT, STRUCTURE_INPUT, download, fileObjects } from './predictions.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';

const TEST_ADMIN_KEY = `sk_bc_admin_test_${'C'.repeat(40)}`;

/**
 * The queue survives a crash (DESIGN.md "the job table is the queue"): a server killed with
 * SIGKILL while jobs run loses none of them, and after a restart every job succeeds exactly
 * once — one usage-ledger row each.
 */
describe('prediction jobs across a server crash', () => {
  let location: TestDatabaseLocation;
  let env: Record<string, string>;
  let running: ServerProcess | undefined;

  before(async () => {
    location = await createTestDatabaseLocation();
    env = {
      ...location.env,
      LOG_LEVEL: 'silent',
      BOLTZ_BOOTSTRAP_TEST_ADMIN_KEY: TEST_ADMIN_KEY,
      BOLTZ_TEST_TIMING: 'fast',
      // One job at a time, so that the kill finds work both running and still queued.
      BOLTZ_RUNNER_CONCURRENCY: '1',
      BOLTZ_JOB_LEASE_MS: '1500',
      BOLTZ_RUNNER_POLL_MS: '100',
    };
  });
  after(async () => {
    if (running) await running.stop();
    await location.dispose();
  });

  it('SIGKILL mid-job, restart: every job ends succeeded, none twice', async () => {
    running = await startServerProcess(env);
    let client = new Boltz({ apiKey: TEST_ADMIN_KEY, baseURL: running.baseURL, maxRetries: 0, logLevel: 'off' });
    const jobs: Array<{ family: 'structureAndBinding' | 'adme'; id: string }> = [];
    for (let i = 0; i < 4; i++) {
      jobs.push({ family: 'structureAndBinding', id: (await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT })).id });
      jobs.push({ family: 'adme', id: (await client.predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT })).id });
    }

    // Kill the moment some job is running.
    const deadline = Date.now() + 60_000;
    let statuses: string[] = [];
    for (;;) {
      statuses = await Promise.all(jobs.map(async ({ family, id }) => (await client.predictions[family].retrieve(id)).status));
      if (statuses.includes('running')) break;
      assert.ok(Date.now() < deadline, `no job started running: ${statuses}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    running.child.kill('SIGKILL');
    const killed = await running.exited;
    assert.equal(killed.signal, 'SIGKILL');
    assert.ok(statuses.some((status) => status !== 'succeeded'), 'the kill must interrupt unfinished work');

    running = await startServerProcess(env);
    client = new Boltz({ apiKey: TEST_ADMIN_KEY, baseURL: running.baseURL, maxRetries: 0, logLevel: 'off' });
    for (const { family, id } of jobs) {
      const finishBy = Date.now() + 120_000;
      let job: any;
      for (;;) {
        job = await client.predictions[family].retrieve(id);
        if (job.status === 'succeeded' || job.status === 'failed') break;
        assert.ok(Date.now() < finishBy, `${id} still ${job.status} after the restart`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(job.status, 'succeeded', `${id}: ${JSON.stringify(job.error)}`);
      for (const file of fileObjects(job.output)) assert.equal((await download(file.url)).status, 200, `${id} ${file.path}`);
    }

    const storage = openStorage({ url: location.url, schema: location.schema, poolSize: 1 });
    try {
      const ledger = await storage.db.selectFrom('usage_ledger').select('job_id').execute();
      assert.deepEqual(ledger.map((row) => row.job_id).sort(), jobs.map((job) => job.id).sort(), 'one ledger row per job');
      const attempts = await storage.db.selectFrom('jobs').select(['id', 'attempts']).execute();
      assert.ok(attempts.some((row) => row.attempts > 1), 'the interrupted job ran again');
    } finally {
      await storage.close();
    }
  });
});
