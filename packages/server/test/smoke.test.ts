import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './harness.ts';

describe('server smoke test', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('answers auth/me for the bootstrap admin key through the official SDK', async () => {
    const me = await server.client(server.liveAdminKey).auth.me();
    assert.equal(me.principal_type, 'api_key');
    if (me.principal_type !== 'api_key') return;
    assert.equal(me.key_type, 'admin');
    assert.equal(me.mode, 'live');
    assert.equal(me.organization_id, server.organizationId);
  });
});
