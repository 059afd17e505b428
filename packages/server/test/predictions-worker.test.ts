import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import Boltz from 'boltz-api';
import { type TestDatabaseLocation, createTestDatabaseLocation } from '../../storage/test/test-database.ts';
import { ADME_INPUT, STRUCTURE_INPUT, download, fileObjects } from './predictions.ts';
import { SERVER_BIN, type ServerProcess, startServerProcess } from './server-process.ts';

const TEST_ADMIN_KEY = `sk_bc_admin_test_${'W'.repeat(40)}`;

/** `boltz-server worker` next to an API replica started with BOLTZ_RUNNERS=false (README "Operating it"). */
describe('boltz-server worker', () => {
  let location: TestDatabaseLocation;
  let api: ServerProcess | undefined;
  let worker: ChildProcess | undefined;

  before(async () => {
    location = await createTestDatabaseLocation();
  });
  after(async () => {
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      worker.kill('SIGTERM');
      await once(worker, 'close');
    }
    if (api) await api.stop();
    await location.dispose();
  });

  it('runs the jobs an API-only replica accepted, and stops cleanly on SIGTERM', async () => {
    const env = { ...location.env, LOG_LEVEL: 'silent', BOLTZ_BOOTSTRAP_TEST_ADMIN_KEY: TEST_ADMIN_KEY, BOLTZ_TEST_TIMING: 'instant', BOLTZ_RUNNER_POLL_MS: '100' };
    api = await startServerProcess({ ...env, BOLTZ_RUNNERS: 'false' });
    const client = new Boltz({ apiKey: TEST_ADMIN_KEY, baseURL: api.baseURL, maxRetries: 0, logLevel: 'off' });
    const sab = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT });
    const adme = await client.predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT });
    // Nobody runs them yet.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await client.predictions.adme.retrieve(adme.id)).status, 'pending');

    // Like server-process.ts: the test runner's own settings must not leak into the child.
    const parentEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BOLTZ_') && name !== 'DATABASE_URL'));
    worker = spawn(process.execPath, [SERVER_BIN, 'worker'], { env: { ...parentEnv, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    worker.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

    const deadline = Date.now() + 90_000;
    for (const [family, id] of [['structureAndBinding', sab.id], ['adme', adme.id]] as const) {
      let job: any;
      for (;;) {
        job = await client.predictions[family].retrieve(id);
        if (job.status === 'succeeded' || job.status === 'failed') break;
        assert.ok(Date.now() < deadline, `${id} still ${job.status}; worker stderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(job.status, 'succeeded', JSON.stringify(job.error));
      // The worker wrote the files; the API replica serves them from the shared data folder.
      for (const file of fileObjects(job.output)) assert.equal((await download(file.url)).status, 200);
    }

    worker.kill('SIGTERM');
    const [code] = await once(worker, 'close');
    assert.equal(code, 0, stderr);

    // URLs survive a restart: the signing secret is kept in the data folder.
    const minted = fileObjects((await client.predictions.structureAndBinding.retrieve(sab.id)).output);
    await api.stop();
    api = await startServerProcess({ ...env, BOLTZ_RUNNERS: 'false' });
    const restartedUrl = new URL(minted[0].url);
    restartedUrl.port = String(api.port);
    assert.equal((await download(restartedUrl.toString())).status, 200);
  });
});
