import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type TestServer, rawRequest, snapshotDatabase, startTestServer } from '../../../test/harness.ts';
import { newWorkspace, workspaceKey } from '../../../test/predictions.ts';
import { BOLTZGEN_STAND_IN, allResults, ledgerUnits, legacyDesignBody, waitForRun } from '../../../test/pipelines.ts';
import { apiError } from '../../../test/sdk-assertions.ts';
import { isAlive } from '../../../../engines/test/helpers.ts';


/**
 * Live protein design on BoltzGen through the official SDK (issue 10), with the stand-in
 * `boltzgen` of the engine tests: rows stream per chunk, live runs bill exactly the designs they
 * produced, stop and resume never re-bill, fields BoltzGen cannot honour are refused at start.
 */
describe('protein design on the live BoltzGen engine', () => {
  let server: TestServer;
  let liveKey: string;
  const scratch = mkdtempSync(join(tmpdir(), 'boltzgen-live-'));
  const controlFile = join(scratch, 'control.json');
  const control = (scenario: Record<string, unknown>) => writeFileSync(controlFile, JSON.stringify(scenario));

  before(async () => {
    control({});
    process.env.BOLTZGEN_STAND_IN_CONTROL = controlFile;
    server = await startTestServer({
      BOLTZ_BOLTZGEN_EXECUTABLE: BOLTZGEN_STAND_IN,
      BOLTZ_BOLTZGEN_WORK_DIR: join(scratch, 'runs'),
      BOLTZ_BOLTZGEN_CHUNK_DESIGNS: '5',
    });
    liveKey = await workspaceKey(server, await newWorkspace(server, 'Live designers'), 'live');
  });
  after(async () => {
    await server.close();
    delete process.env.BOLTZGEN_STAND_IN_CONTROL;
    rmSync(scratch, { recursive: true, force: true });
  });

  it('runs a live design to exactly num_proteins rows and bills each once', async () => {
    control({ oom: ['chunk_0/spec_0_2'] });
    const client = server.client(liveKey);
    const started = await client.protein.design.start(legacyDesignBody(10));
    assert.equal(started.livemode, true);
    const done = await waitForRun(client, 'design', started.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.deepEqual(done.progress, { num_proteins_generated: 10, total_proteins_to_generate: 10, latest_result_id: done.progress.latest_result_id });
    const results = await allResults(client, 'design', started.id);
    assert.equal(results.length, 10);
    assert.equal(new Set(results.map((r) => r.entities[1].value)).size, 10, 'distinct designs');
    for (const result of results) {
      assert.deepEqual(result.entities[0], { type: 'protein', chain_ids: ['A'], value: 'MKTAYIAKQRQI' });
      assert.match(result.entities[1].value, /^GS[^CM]{8}G$/);
      assert.equal(typeof result.metrics.binding_confidence, 'number');
    }
    const ledger = await ledgerUnits(server, started.id);
    assert.equal(ledger.units, 10, 'billed per design produced');
    assert.ok(ledger.rows >= 3, 'one ledger row per chunk (the first chunk lost a design to out-of-memory)');
    const reservations = await server.storage.db.selectFrom('spending_reservations').selectAll().where('job_id', '=', started.id).execute();
    assert.equal(reservations.length, 0, 'nothing left reserved');
  });

  it('refuses fields BoltzGen cannot honour with 422 by path, creating nothing', async () => {
    const body = legacyDesignBody(10);
    const antibody = { ...body, binder_specification: { ...body.binder_specification, modality: 'antibody' as const } };
    const before = await snapshotDatabase(server.storage);
    await assert.rejects(server.client(liveKey).protein.design.start(antibody), (error: any) => {
      apiError(422, 'VALIDATION_ERROR')(error);
      assert.match(JSON.stringify(error.error), /binder_specification\.modality/);
      assert.match(JSON.stringify(error.error), /not supported by the live engine/);
      return true;
    });
    assert.equal(await snapshotDatabase(server.storage), before);
  });

  it('stop mid-run ends the engine; resume continues from the checkpoint and never re-bills', async () => {
    control({ hang: 'chunk_1' });
    const client = server.client(liveKey);
    const started = await client.protein.design.start(legacyDesignBody(12));
    await waitForRun(client, 'design', started.id, (run) => run.progress.num_proteins_generated === 5);
    const childPid = join(scratch, 'runs', started.id, 'chunk_1', 'child.pid');
    for (let i = 0; i < 200 && !existsSync(childPid); i++) await sleep(50);
    await client.protein.design.stop(started.id);
    const stopped = await waitForRun(client, 'design', started.id, (run) => run.status === 'stopped');
    assert.equal(stopped.progress.num_proteins_generated, 5);
    const worker = Number(readFileSync(childPid, 'utf8'));
    for (let i = 0; i < 100 && isAlive(worker); i++) await sleep(100);
    assert.ok(!isAlive(worker), 'stop ended the engine process group');
    assert.equal((await ledgerUnits(server, started.id)).units, 5);

    control({});
    await client.protein.design.resume(started.id);
    const done = await waitForRun(client, 'design', started.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const results = await allResults(client, 'design', started.id);
    assert.equal(results.length, 12);
    assert.equal(new Set(results.map((r) => r.entities[1].value)).size, 12, 'no design repeated across stop and resume');
    assert.equal((await ledgerUnits(server, started.id)).units, 12, 'each design billed once');
  });

  it('/readyz reports the live engine and its families', async () => {
    const ready = await rawRequest(server, 'GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual((ready.body as any).engines, [{ engine: 'boltzgen', version: null, families: ['protein_design', 'protein_sequence_redesign'], ok: false }]);
  });
});

