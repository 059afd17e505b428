import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Boltz from 'boltz-api';
import { openStorage } from '@boltz/storage';
import { type TestDatabaseLocation, createTestDatabaseLocation } from '../../storage/test/test-database.ts';
import { BOLTZGEN_STAND_IN, allResults, legacyDesignBody, waitForRun } from './pipelines.ts';
import { type ServerProcess, runServerCommand, startServerProcess } from './server-process.ts';
import { isAlive } from '../../engines/test/helpers.ts';

const LIVE_ADMIN_KEY = `sk_bc_admin_live_${'L'.repeat(40)}`;


/**
 * A live pipeline across a server crash (issue 10): the server is killed with SIGKILL while
 * BoltzGen (the stand-in) runs a chunk. The engine process survives its server — nothing can
 * end it then — so the next start ends it, and the run continues from its checkpoint to exactly
 * num_proteins results, each billed once.
 */
describe('a live BoltzGen run across a server crash', () => {
  let location: TestDatabaseLocation;
  let env: Record<string, string>;
  let running: ServerProcess | undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'boltzgen-crash-'));
  const controlFile = join(scratch, 'control.json');

  before(async () => {
    location = await createTestDatabaseLocation();
    env = {
      ...location.env,
      LOG_LEVEL: 'error',
      BOLTZ_BOOTSTRAP_ADMIN_KEY: LIVE_ADMIN_KEY,
      BOLTZ_JOB_LEASE_MS: '1500',
      BOLTZ_RUNNER_POLL_MS: '100',
      BOLTZ_BOLTZGEN_EXECUTABLE: BOLTZGEN_STAND_IN,
      BOLTZ_BOLTZGEN_WORK_DIR: join(scratch, 'runs'),
      BOLTZ_BOLTZGEN_CHUNK_DESIGNS: '5',
      BOLTZGEN_STAND_IN_CONTROL: controlFile,
    };
  });
  after(async () => {
    if (running) await running.stop();
    await location.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('SIGKILL mid-chunk: the next start ends the orphaned engine and the run finishes without duplicates', async () => {
    writeFileSync(controlFile, JSON.stringify({ hang: 'chunk_1' }));
    running = await startServerProcess(env);
    let client = new Boltz({ apiKey: LIVE_ADMIN_KEY, baseURL: running.baseURL, maxRetries: 0, logLevel: 'off' });
    const run = await client.protein.design.start(legacyDesignBody(10));
    await waitForRun(client, 'design', run.id, (r) => r.progress.num_proteins_generated === 5, 60_000);
    const pidFile = join(scratch, 'runs', run.id, 'engine.pid');
    const childPid = join(scratch, 'runs', run.id, 'chunk_1', 'child.pid');
    for (let i = 0; i < 300 && !(existsSync(childPid) && existsSync(pidFile)); i++) await sleep(50);
    const { processGroup } = JSON.parse(readFileSync(pidFile, 'utf8'));
    const worker = Number(readFileSync(childPid, 'utf8'));

    running.child.kill('SIGKILL');
    assert.equal((await running.exited).signal, 'SIGKILL');
    await sleep(300);
    assert.ok(isAlive(processGroup) && isAlive(worker), 'the engine outlives a killed server');

    writeFileSync(controlFile, JSON.stringify({}));
    running = await startServerProcess(env);
    for (let i = 0; i < 100 && (isAlive(processGroup) || isAlive(worker)); i++) await sleep(100);
    assert.ok(!isAlive(processGroup) && !isAlive(worker), 'the next start ended the orphaned engine process group');

    client = new Boltz({ apiKey: LIVE_ADMIN_KEY, baseURL: running.baseURL, maxRetries: 0, logLevel: 'off' });
    const done = await waitForRun(client, 'design', run.id, undefined, 120_000);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error) + running.stderr().slice(-2000));
    const results = await allResults(client, 'design', run.id);
    assert.equal(results.length, 10);
    assert.equal(new Set(results.map((r) => r.entities[1].value)).size, 10);

    const storage = openStorage({ url: location.url, schema: location.schema, poolSize: 1 });
    try {
      const ledger = await storage.db.selectFrom('usage_ledger').select(['quantity']).where('job_id', '=', run.id).execute();
      assert.equal(ledger.reduce((sum, row) => sum + row.quantity, 0), 10, 'each design billed once');
    } finally {
      await storage.close();
    }
  });

  it('a configured engine executable that does not exist is a clear start-up error', async () => {
    const result = await runServerCommand([], { ...env, PORT: '0', BOLTZ_BOLTZGEN_EXECUTABLE: join(scratch, 'no-such-boltzgen') });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr + result.stdout, /BOLTZ_BOLTZGEN_EXECUTABLE=.*no-such-boltzgen is not an executable file/);
  });
});
