import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawRequest, startTestServer, type TestServer } from './harness.ts';

/**
 * `last_used_at` is kept current without a database write per request (issue 2 §5): uses are
 * batched in memory and written every LAST_USED_FLUSH_MS; the key list shows them meanwhile.
 */

async function storedLastUsed(server: TestServer, keyId: string): Promise<string | null> {
  const row = await server.storage.db.selectFrom('api_keys').select('last_used_at').where('id', '=', keyId).executeTakeFirstOrThrow();
  return row.last_used_at;
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('last_used_at (LAST_USED_FLUSH_MS=200)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ LAST_USED_FLUSH_MS: '200' });
  });
  after(() => server.close());

  it('is null until the key is used, then visible in the key list and written to the database by the flush', async () => {
    const admin = server.client(server.liveAdminKey);
    const created = await admin.admin.apiKeys.create({ name: 'used later', workspace_id: server.defaultWorkspaceId });
    const keyId = created.key_details.id;
    assert.equal(created.key_details.last_used_at, null);
    assert.equal(await storedLastUsed(server, keyId), null);

    const before = new Date();
    assert.equal((await rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: created.key })).status, 200);

    const listed = (await admin.admin.apiKeys.list({ workspace_id: server.defaultWorkspaceId })).data.find((key) => key.id === keyId);
    assert.ok(listed?.last_used_at, 'the list shows the use at once');
    assert.ok(Date.parse(listed.last_used_at) >= before.getTime() - 1000);

    const stored = await waitFor(() => storedLastUsed(server, keyId), (value) => value !== null, 'the flush');
    assert.equal(stored, listed.last_used_at);
  });

  it('stays current in the key list while flushes are being written', async () => {
    // A use whose batch is being written is neither pending nor committed yet; the list must
    // still show it. Many use-then-list rounds span several flushes.
    const admin = server.client(server.liveAdminKey);
    const created = await admin.admin.apiKeys.create({ name: 'busy', workspace_id: server.defaultWorkspaceId });
    for (let round = 0; round < 40; round++) {
      const usedAfter = Date.now();
      assert.equal((await rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: created.key })).status, 200);
      const listed = (await admin.admin.apiKeys.list({ workspace_id: server.defaultWorkspaceId })).data.find((key) => key.id === created.key_details.id);
      assert.ok(listed?.last_used_at && Date.parse(listed.last_used_at) >= usedAfter, `round ${round}: ${listed?.last_used_at} is older than the use at ${new Date(usedAfter).toISOString()}`);
    }
  });

  it('does not record a use for a request that failed authentication', async () => {
    const admin = server.client(server.liveAdminKey);
    const created = await admin.admin.apiKeys.create({ name: 'revoked unused', workspace_id: server.defaultWorkspaceId });
    await admin.admin.apiKeys.revoke(created.key_details.id);
    assert.equal((await rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: created.key })).status, 401);
    // Uses of the admin key are flushed meanwhile; the revoked key's stays empty.
    const me = await admin.auth.me();
    assert.equal(me.principal_type, 'api_key');
    const adminKeyId = (me as { api_key_id: string }).api_key_id;
    await waitFor(() => storedLastUsed(server, adminKeyId), (value) => value !== null, 'a flush');
    const listed = (await admin.admin.apiKeys.list({ workspace_id: server.defaultWorkspaceId })).data.find((key) => key.id === created.key_details.id);
    assert.equal(listed?.last_used_at, null);
    assert.equal(await storedLastUsed(server, created.key_details.id), null);
  });
});
