import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { APIError } from 'boltz-api';
import { type TestServer, snapshotDatabase, startTestServer } from './harness.ts';
import { ADME_INPUT, allJobsFinished, download, fileObjects, newWorkspace, waitUntilDone, workspaceKey } from './predictions.ts';

const STAND_IN = fileURLToPath(new URL('./fixtures/boltz-stand-in.mjs', import.meta.url));
// The input the engines' fixture output folder was produced for.
const LIGAND_INPUT = {
  entities: [
    { type: 'protein' as const, chain_ids: ['A'], value: 'MKTAYIAKQRQI' },
    { type: 'ligand_smiles' as const, chain_ids: ['L'], value: 'CCO' },
  ],
  binding: { type: 'ligand_protein_binding' as const, binder_chain_id: 'L' },
  num_samples: 2,
};

/** The stand-ins contact no MSA server: the URL only satisfies what automatic MSAs require. */
const LIVE_ENV = { BOLTZ_ENGINE_CACHE: '/nonexistent/boltz-cache', BOLTZ_ENGINE_MSA_SERVER_URL: 'http://127.0.0.1:9' };

/**
 * Live mode with a live engine configured (the `boltz` command, here a stand-in that replays
 * a recorded output folder): jobs run on it, are charged on success and count against limits.
 */
describe('live predictions on the Boltz engine', () => {
  let server: TestServer;
  let workspaceId: string;
  let liveKey: string;

  before(async () => {
    server = await startTestServer({ ...LIVE_ENV, BOLTZ_ENGINE_EXECUTABLE: STAND_IN });
    workspaceId = await newWorkspace(server, 'Live');
    liveKey = await workspaceKey(server, workspaceId, 'live');
  });
  after(() => server.close());

  it('runs a live job on the engine and charges its estimate once', async () => {
    const client = server.client(liveKey);
    const started = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: LIGAND_INPUT });
    assert.equal(started.livemode, true);
    assert.match(started.version, /^boltz2 \(boltz /);
    const done = await waitUntilDone(client, 'structureAndBinding', started.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    assert.equal(done.output.all_sample_results.length, 2);
    assert.equal(done.output.binding_metrics.type, 'ligand_protein_binding_metrics');
    for (const file of fileObjects(done.output)) {
      const got = await download(file.url);
      assert.equal(got.status, 200, file.path);
      assert.ok(got.bytes.length > 0);
    }

    const ledger = await server.storage.db.selectFrom('usage_ledger').selectAll().where('job_id', '=', started.id).execute();
    assert.equal(ledger.length, 1);
    assert.equal(ledger[0].mode, 'live');
    assert.equal(ledger[0].quantity, 2);
    assert.equal(ledger[0].cost_milli_usd, 40, '20 milli-USD × tier 1 × 2 samples');
    assert.equal((await server.storage.db.selectFrom('spending_reservations').selectAll().execute()).length, 0, 'reservation settled');
  });

  it('a start that would pass the spending limit is 402 and creates nothing', async () => {
    // Tracking starts when the limit is set; the job needs 40 milli-USD.
    const admin = server.client(server.liveAdminKey);
    await admin.admin.workspaces.setSpendingLimit(workspaceId, { type: 'lifetime', limit: { amount: 30, currency: 'MILLI_USD' } });
    await allJobsFinished(server);
    const before = await snapshotDatabase(server.storage);
    await assert.rejects(server.client(liveKey).predictions.structureAndBinding.start({ model: 'boltz-2.1', input: LIGAND_INPUT }), (error) => {
      assert.ok(error instanceof APIError);
      assert.equal(error.status, 402);
      assert.equal((error.error as { code: string }).code, 'spending_limit_exceeded');
      assert.equal(error.headers?.get('x-should-retry'), 'false');
      return true;
    });
    assert.equal(await snapshotDatabase(server.storage), before);
    // Test mode is never limited.
    const testKey = await workspaceKey(server, workspaceId, 'test');
    const free = await server.client(testKey).predictions.structureAndBinding.start({ model: 'boltz-2.1', input: LIGAND_INPUT });
    assert.equal(free.status, 'pending');
  });

  it('100 concurrent starts against a limit that allows 10: exactly 10 accepted, 90 refused with 402', async () => {
    const burstWorkspace = await newWorkspace(server, 'Burst');
    await server.client(server.liveAdminKey).admin.workspaces.setSpendingLimit(burstWorkspace, { type: 'lifetime', limit: { amount: 400, currency: 'MILLI_USD' } });
    const client = server.client(await workspaceKey(server, burstWorkspace, 'live'));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 100 }, () => client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: LIGAND_INPUT })),
    );
    const accepted = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => (outcome as PromiseRejectedResult).reason);
    assert.equal(accepted.length, 10);
    assert.equal(refused.length, 90);
    for (const error of refused) assert.ok(error instanceof APIError && error.status === 402, String(error));
    await allJobsFinished(server);
    const charged = await server.storage.db.selectFrom('usage_ledger').select('cost_milli_usd').where('workspace_id', '=', burstWorkspace).execute();
    assert.equal(charged.reduce((sum, row) => sum + row.cost_milli_usd, 0), 400);
  });

  it('a job the engine fails is not charged and releases its reservation', async () => {
    const failing = await startTestServer({
      ...LIVE_ENV,
      BOLTZ_ENGINE_EXECUTABLE: fileURLToPath(new URL('../../engines/test/fixtures/stand-ins/boltz-parse-error.mjs', import.meta.url)),
    });
    try {
      const client = failing.client(failing.liveAdminKey);
      const started = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: LIGAND_INPUT });
      const done = await waitUntilDone(client, 'structureAndBinding', started.id);
      assert.equal(done.status, 'failed');
      assert.equal(done.error?.code, 'validation_error');
      assert.equal(done.output, null);
      assert.equal((await failing.storage.db.selectFrom('usage_ledger').selectAll().execute()).length, 0);
      assert.equal((await failing.storage.db.selectFrom('spending_reservations').selectAll().execute()).length, 0);
    } finally {
      await failing.close();
    }
  });

  it('live ADME has no open-source engine: 501', async () => {
    await assert.rejects(server.client(liveKey).predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT }), (error) => error instanceof APIError && error.status === 501);
  });
});

describe('live predictions without an MSA server (the default)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ BOLTZ_ENGINE_EXECUTABLE: STAND_IN, BOLTZ_ENGINE_CACHE: '/nonexistent/boltz-cache' });
  });
  after(() => server.close());

  it('a start that needs automatic MSAs is 422 naming the setting, and creates nothing', async () => {
    const before = await snapshotDatabase(server.storage);
    await assert.rejects(server.client(server.liveAdminKey).predictions.structureAndBinding.start({ model: 'boltz-2.1', input: LIGAND_INPUT }), (error) => {
      assert.ok(error instanceof APIError);
      assert.equal(error.status, 422);
      const body = error.error as { code: string; details: Record<string, string> };
      assert.equal(body.code, 'VALIDATION_ERROR');
      assert.match(body.details['input.entities'], /BOLTZ_ENGINE_MSA_SERVER_URL/);
      return true;
    });
    assert.equal(await snapshotDatabase(server.storage), before);
  });

  it('proteins with their own MSAs run; test mode never needs an MSA server', async () => {
    const withMsa = { ...LIGAND_INPUT, entities: [{ ...LIGAND_INPUT.entities[0], msa: { type: 'empty' as const } }, LIGAND_INPUT.entities[1]] };
    const live = await server.client(server.liveAdminKey).predictions.structureAndBinding.start({ model: 'boltz-2.1', input: withMsa });
    assert.equal(live.livemode, true);
    const test = await server.client(server.testAdminKey).predictions.structureAndBinding.start({ model: 'boltz-2.1', input: LIGAND_INPUT });
    assert.equal(test.livemode, false);
  });
});
