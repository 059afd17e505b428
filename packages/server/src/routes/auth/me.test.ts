import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RateLimitError } from 'boltz-api';
import { rawRequest, startTestServer, type TestServer } from '../../../test/harness.ts';
import { expectSdkError } from '../../../test/sdk-assertions.ts';

/** Conformance of auth.me through the official SDK (spec/API.md §6.1). */
describe('auth.me through the official SDK', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ BOLTZ_ORGANIZATION_NAME: 'Acme Research' });
  });
  after(() => server.close());

  const identity = (fields: { api_key_id: string; key_type: 'admin' | 'workspace'; mode: 'live' | 'test'; workspace_id: string | null }) => ({
    principal_type: 'api_key',
    ...fields,
    organization_id: server.organizationId,
    selected_organization_id: server.organizationId,
    organization_name: 'Acme Research',
  });

  for (const mode of ['live', 'test'] as const) {
    it(`describes a ${mode} admin key`, async () => {
      const adminKey = mode === 'live' ? server.liveAdminKey : server.testAdminKey;
      const me = await server.client(adminKey).auth.me();
      assert.match(me.principal_type === 'api_key' ? me.api_key_id : '', /^key_/);
      const apiKeyId = me.principal_type === 'api_key' ? me.api_key_id : '';
      assert.deepEqual(me, identity({ api_key_id: apiKeyId, key_type: 'admin', mode, workspace_id: null }));
      const adminKeys = (await server.client(server.liveAdminKey).admin.apiKeys.list()).data.filter((key) => key.key_type === 'admin');
      assert.equal(adminKeys.find((key) => key.id === apiKeyId)?.livemode, mode === 'live');
    });

    it(`describes a ${mode} workspace key`, async () => {
      const workspace = await server.client(server.liveAdminKey).admin.workspaces.create({ name: `${mode} team` });
      const { key, key_details } = await server.client(server.liveAdminKey).admin.apiKeys.create({ name: mode, mode, workspace_id: workspace.id });
      const me = await server.client(key).auth.me();
      assert.deepEqual(me, identity({ api_key_id: key_details.id, key_type: 'workspace', mode, workspace_id: workspace.id }));
    });
  }

  it('accepts the key as an Authorization Bearer token, as third-party clients send it', async () => {
    const viaHeader = await server.client(server.liveAdminKey).auth.me();
    const response = await rawRequest(server, 'GET', '/compute/v1/auth/me', { headers: { authorization: `Bearer ${server.liveAdminKey}` } });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body, viaHeader);
  });
});

describe('rate limiting through the official SDK', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ RATE_LIMIT_MAX: '3' });
  });
  after(() => server.close());

  it('counts down X-RateLimit-Remaining, then answers RateLimitError with Retry-After; other keys are unaffected', async () => {
    const client = server.client(server.liveAdminKey);
    for (const remaining of [2, 1, 0]) {
      const { response } = await client.auth.me().withResponse();
      assert.equal(response.headers.get('x-ratelimit-limit'), '3');
      assert.equal(response.headers.get('x-ratelimit-remaining'), String(remaining));
      assert.ok(Number(response.headers.get('x-ratelimit-reset')) * 1000 > Date.now() - 1000);
    }
    const error = await expectSdkError(client.auth.me(), RateLimitError, 'rate_limited');
    assert.equal(error.status, 429);
    assert.ok(Number(error.headers?.get('retry-after')) >= 1);
    assert.equal(error.headers?.get('x-should-retry'), 'true');
    assert.equal(error.headers?.get('x-ratelimit-remaining'), '0');

    // The limit is per key (decision c).
    const other = await server.client(server.testAdminKey).auth.me();
    assert.equal(other.principal_type, 'api_key');
  });
});
