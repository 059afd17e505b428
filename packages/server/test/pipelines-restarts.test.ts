import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Boltz from 'boltz-api';
import { MAX_ATTEMPTS } from '../src/jobs/runner.ts';
import { type TestDatabaseLocation, createTestDatabaseLocation } from '../../storage/test/test-database.ts';
import { allResults, legacyDesignBody, waitForRun } from './pipelines.ts';
import { type CommandResult, type ServerProcess, startServerProcess } from './server-process.ts';

const TEST_ADMIN_KEY = `sk_bc_admin_test_${'R'.repeat(40)}`;
const RESTARTS = MAX_ATTEMPTS + 2;

/**
 * Deploys restart servers under running jobs (issue 11): each graceful shutdown hands the run
 * back without counting an interruption, so more restarts than MAX_ATTEMPTS during one healthy
 * run do not fail it. And what a SIGKILLed process leaves on the host — scratch folders of its
 * runs, half-written result files — is removed at the next start.
 */
describe('pipeline runs across graceful restarts', () => {
  let location: TestDatabaseLocation;
  let dataDir: string;
  let env: Record<string, string>;
  let running: ServerProcess | undefined;

  before(async () => {
    location = await createTestDatabaseLocation();
    dataDir = mkdtempSync(join(tmpdir(), 'boltz-restarts-'));
    env = { ...location.env, BOLTZ_DATA_DIR: dataDir, LOG_LEVEL: 'error', BOLTZ_BOOTSTRAP_TEST_ADMIN_KEY: TEST_ADMIN_KEY, BOLTZ_TEST_TIMING: 'fast' };
  });
  after(async () => {
    if (running) await running.stop();
    await location.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`${RESTARTS} graceful restarts during one run: it still succeeds, with every result once`, async () => {
    running = await startServerProcess(env);
    const run = await new Boltz({ apiKey: TEST_ADMIN_KEY, baseURL: running.baseURL, maxRetries: 0, logLevel: 'off' }).protein.design.start(legacyDesignBody(400));
    for (let restart = 1; restart <= RESTARTS; restart++) {
      const client = new Boltz({ apiKey: TEST_ADMIN_KEY, baseURL: running.baseURL, maxRetries: 0, logLevel: 'off' });
      await waitForRun(client, 'design', run.id, (r) => r.status === 'running' && r.progress.num_proteins_generated >= restart * 20, 60_000);
      const stopped: CommandResult = await running.stop();
      assert.equal(stopped.code, 0, stopped.stderr);
      running = await startServerProcess(env);
    }
    const client = new Boltz({ apiKey: TEST_ADMIN_KEY, baseURL: running.baseURL, maxRetries: 0, logLevel: 'off' });
    const done = await waitForRun(client, 'design', run.id, undefined, 120_000);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const results = await allResults(client, 'design', run.id, { limit: 1000 });
    assert.equal(results.length, 400);
    assert.equal(new Set(results.map((result) => result.id)).size, 400);
  });

  it('a start removes the scratch folders of dead processes and old half-written result files', async () => {
    // A pid that has certainly exited: a child that ran and was waited for.
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    const orphan = mkdtempSync(join(tmpdir(), `boltz-run-${deadPid}-prot_des_orphan-`));
    writeFileSync(join(orphan, 'spec.yaml'), 'left behind');
    const liveOwn = mkdtempSync(join(tmpdir(), `boltz-run-${process.pid}-prot_des_alive-`));
    const halfWritten = join(dataDir, 'results', 'ws_x', 'prot_des_x', 'file_x.0a1b2c3d4e5f.tmp');
    mkdirSync(join(halfWritten, '..'), { recursive: true });
    writeFileSync(halfWritten, 'half');
    utimesSync(halfWritten, new Date(Date.now() - 7200_000), new Date(Date.now() - 7200_000));

    await running?.stop();
    running = await startServerProcess(env);
    const deadline = Date.now() + 30_000;
    while (existsSync(orphan) || existsSync(halfWritten)) {
      assert.ok(Date.now() < deadline, 'leftovers still there 30 s after the start');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(existsSync(liveOwn), "a living process's scratch folder is kept");
    rmSync(liveOwn, { recursive: true, force: true });
  });
});
