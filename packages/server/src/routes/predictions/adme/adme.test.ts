import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { APIError } from 'boltz-api';
import { type TestServer, snapshotDatabase, startTestServer } from '../../../../test/harness.ts';
import { ADME_INPUT, PREDICTION_FIELDS, allJobsFinished, fileObjects, newWorkspace, waitUntilDone, workspaceKey } from '../../../../test/predictions.ts';
import { assertFields, assertTimestamp } from '../../../../test/sdk-assertions.ts';

describe('predictions.adme through the official SDK', () => {
  let server: TestServer;
  let workspaceId: string;
  let testKey: string;

  before(async () => {
    server = await startTestServer({ BOLTZ_TEST_TIMING: 'fast' });
    workspaceId = await newWorkspace(server, 'ADME');
    testKey = await workspaceKey(server, workspaceId, 'test');
  });
  after(() => server.close());

  it('start → succeeded with one row per molecule, in order, failures per molecule', async () => {
    const client = server.client(testKey);
    const started = await client.predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT });
    assertFields(started, PREDICTION_FIELDS);
    assert.match(started.id, /^adme_pred_[0-9A-Za-z]{20}$/);
    assert.equal(started.status, 'pending');
    assert.equal(started.model, 'adme-v1');
    assert.deepEqual(started.input, ADME_INPUT);

    const done = await waitUntilDone(client, 'adme', started.id);
    assert.equal(done.status, 'succeeded');
    assertTimestamp(done.expires_at, 'expires_at');
    const [aspirin, ethanol, broken] = done.output.molecules;
    assert.equal(done.output.molecules.length, 3);
    assert.match(aspirin.id, /^adme_mol_/);
    assert.equal(aspirin.status, 'succeeded');
    assert.equal(aspirin.external_id, 'aspirin');
    assert.equal(aspirin.smiles, ADME_INPUT.molecules[0].smiles);
    assert.equal(typeof aspirin.adme.lipophilicity, 'number');
    assert.ok(['high-confidence', 'medium-confidence', 'high-risk'].includes(aspirin.adme.solubility));
    assert.equal('external_id' in ethanol, false);
    assert.equal(broken.status, 'failed');
    assert.equal(broken.adme, null);
    assert.equal(typeof broken.error.code, 'string');
    assert.deepEqual(fileObjects(done), [], 'ADME has no files');
  });

  it('an admin key targets a workspace; list, delete-data and the default workspace work', async () => {
    const admin = server.client(server.testAdminKey);
    const started = await admin.predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT, workspace_id: workspaceId });
    assert.equal(started.workspace_id, workspaceId);
    await waitUntilDone(admin, 'adme', started.id, { workspace_id: workspaceId });
    const listed = await admin.predictions.adme.list({ workspace_id: workspaceId });
    assert.ok(listed.data.some((job) => job.id === started.id));
    assert.equal((await admin.predictions.adme.list()).data.some((job) => job.id === started.id), false, 'default workspace is another one');

    const deleted = await admin.predictions.adme.deleteData(started.id);
    assert.equal(deleted.data_deleted, true);
    const after = await admin.predictions.adme.retrieve(started.id);
    assert.equal(after.input, null);
    assert.equal(after.output, null);
  });

  it('estimate-cost: 10 milli-USD per molecule, nothing created', async () => {
    await allJobsFinished(server);
    const before = await snapshotDatabase(server.storage);
    const estimate = await server.client(testKey).predictions.adme.estimateCost({ model: 'adme-v1', input: ADME_INPUT });
    assert.deepEqual(estimate.breakdown, { application: 'adme', cost_per_unit_usd: '0.0100', num_units: 3 });
    assert.equal(estimate.estimated_cost_usd, '0.0300');
    assert.equal(await snapshotDatabase(server.storage), before);
  });

  it('129 molecules or a wrong model are 400 and create nothing', async () => {
    const client = server.client(testKey);
    await allJobsFinished(server);
    const before = await snapshotDatabase(server.storage);
    const tooMany = { molecules: Array.from({ length: 129 }, () => ({ smiles: 'CCO' })) };
    await assert.rejects(client.predictions.adme.start({ model: 'adme-v1', input: tooMany }), (error) => {
      assert.ok(error instanceof APIError);
      assert.equal(error.status, 400);
      assert.equal((error.error as { message: string }).message, 'input.molecules must contain at most 128 items');
      return true;
    });
    await assert.rejects(client.predictions.adme.start({ model: 'boltz-2.1' as 'adme-v1', input: ADME_INPUT }), (e) => e instanceof APIError && e.status === 400);
    assert.equal(await snapshotDatabase(server.storage), before);
  });
});
