import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { APIError } from 'boltz-api';
import { type TestServer, startTestServer } from '../../../test/harness.ts';
import { ADME_INPUT, STRUCTURE_INPUT, newWorkspace, waitUntilDone, workspaceKey } from '../../../test/predictions.ts';

/** Decision (a): the same key and body → the original job; another body → 409. */
describe('prediction idempotency keys', () => {
  let server: TestServer;
  let workspaceId: string;
  let testKey: string;

  before(async () => {
    server = await startTestServer({ BOLTZ_TEST_TIMING: 'instant' });
    workspaceId = await newWorkspace(server, 'Idempotent');
    testKey = await workspaceKey(server, workspaceId, 'test');
  });
  after(() => server.close());

  it('a retry with the same body returns the original job, before and after it finished', async () => {
    const client = server.client(testKey);
    const first = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT, idempotency_key: 'retry-1' });
    assert.equal(first.idempotency_key, 'retry-1');
    // Key order in the body does not make it a different request.
    const reordered = { num_samples: STRUCTURE_INPUT.num_samples, binding: STRUCTURE_INPUT.binding, entities: STRUCTURE_INPUT.entities };
    const again = await client.predictions.structureAndBinding.start({ idempotency_key: 'retry-1', input: reordered, model: 'boltz-2.1' });
    assert.equal(again.id, first.id);
    const done = await waitUntilDone(client, 'structureAndBinding', first.id);
    const afterwards = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT, idempotency_key: 'retry-1' });
    assert.equal(afterwards.id, first.id);
    assert.equal(afterwards.status, done.status);
  });

  it('the same key with another body is 409 idempotency_conflict, not retried by the SDK', async () => {
    const client = server.client(testKey, { maxRetries: 2 });
    await client.predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT, idempotency_key: 'conflict-1' });
    await assert.rejects(client.predictions.adme.start({ model: 'adme-v1', input: { molecules: [{ smiles: 'CCN' }] }, idempotency_key: 'conflict-1' }), (error) => {
      assert.ok(error instanceof APIError);
      assert.equal(error.status, 409);
      assert.equal((error.error as { code: string }).code, 'idempotency_conflict');
      assert.equal(error.headers?.get('x-should-retry'), 'false');
      return true;
    });
  });

  it('keys are scoped per workspace, mode and family', async () => {
    const client = server.client(testKey);
    const sab = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT, idempotency_key: 'shared' });
    const adme = await client.predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT, idempotency_key: 'shared' });
    const elsewhere = await server
      .client(server.testAdminKey)
      .predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT, idempotency_key: 'shared' });
    assert.notEqual(sab.id, elsewhere.id);
    assert.notEqual(elsewhere.workspace_id, workspaceId);
    assert.ok(adme.id.startsWith('adme_pred_'));
  });

  it('concurrent duplicates create exactly one job', async () => {
    const client = server.client(testKey);
    const starts = await Promise.all(
      Array.from({ length: 12 }, () => client.predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT, idempotency_key: 'burst' })),
    );
    assert.equal(new Set(starts.map((job) => job.id)).size, 1);
    const rows = await server.storage.db.selectFrom('jobs').select('id').where('idempotency_key', '=', 'burst').execute();
    assert.equal(rows.length, 1);
  });
});
