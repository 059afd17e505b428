import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawRequest, startTestServer, type TestServer } from './harness.ts';

describe('validation messages name what would have been accepted', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const post = (path: string, body: unknown) =>
    rawRequest(server, 'POST', path, { apiKey: server.liveAdminKey, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  it('lists every allowed value of a union of literals', async () => {
    const key = await post('/compute/v1/admin/api-keys', { name: 'k', mode: 'prod' });
    assert.equal(key.status, 400);
    assert.deepEqual(key.body.details, { mode: 'must be one of "live", "test"' });
    const workspace = await post('/compute/v1/admin/workspaces', { data_retention: { unit: 'weeks', value: 1 } });
    assert.deepEqual(workspace.body.details, { 'data_retention.unit': 'must be one of "hours", "days"' });
    assert.equal(workspace.body.message, 'data_retention.unit must be one of "hours", "days"');
  });

  it('keeps the single value of a literal', async () => {
    const limit = await rawRequest(server, 'PUT', `/compute/v1/admin/workspaces/${server.defaultWorkspaceId}/spending-limit`, {
      apiKey: server.liveAdminKey,
      body: JSON.stringify({ type: 'monthly', limit: { amount: 1, currency: 'MILLI_USD' } }),
      headers: { 'content-type': 'application/json' },
    });
    assert.deepEqual(limit.body.details, { type: 'must be "lifetime"' });
  });
});
