import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import BoltzComputeAPI, { AuthenticationError, ConflictError, NotFoundError } from 'boltz-compute-api';
import { startTestServer, type TestServer } from './harness.ts';
import { assertApiKeyShape, assertWorkspaceShape, expectSdkError } from './sdk-assertions.ts';

/**
 * The predecessor SDK, `boltz-compute-api@0.14.1`, against the same server (spec/API.md
 * preamble). Its admin surface is workspaces (create, retrieve, update, list, archive) and API
 * keys (create, list, revoke); its pages only walk forward and have no `first_id`.
 */
describe('the legacy boltz-compute-api@0.14.1 SDK', () => {
  let server: TestServer;
  let admin: BoltzComputeAPI;
  const legacyClient = (apiKey: string) => new BoltzComputeAPI({ apiKey, baseURL: server.baseURL, maxRetries: 0, logLevel: 'off' });

  before(async () => {
    server = await startTestServer();
    admin = legacyClient(server.liveAdminKey);
  });
  after(() => server.close());

  it('creates, retrieves and updates a workspace', async () => {
    const created = await admin.admin.workspaces.create({ name: 'Legacy team', data_retention: { unit: 'days', value: 3 } });
    assertWorkspaceShape(created);
    assert.equal(created.name, 'Legacy team');
    assert.deepEqual(created.data_retention, { unit: 'days', value: 3 });
    assert.deepEqual(await admin.admin.workspaces.retrieve(created.id), created);

    const renamed = await admin.admin.workspaces.update(created.id, { name: 'Renamed' });
    assert.equal(renamed.name, 'Renamed');
    assert.deepEqual(renamed.data_retention, { unit: 'days', value: 3 });
    const cleared = await admin.admin.workspaces.update(created.id, { name: null, data_retention: { unit: 'hours', value: 6 } });
    assert.equal(cleared.name, null);
    assert.deepEqual(cleared.data_retention, { unit: 'hours', value: 6 });
    assert.deepEqual(await admin.admin.workspaces.retrieve(created.id), cleared);

    await expectSdkError(admin.admin.workspaces.retrieve('ws_doesNotExist0000000'), NotFoundError, 'not_found');
  });

  it('walks the workspace list forward with for await', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.unshift((await admin.admin.workspaces.create({ data_retention: { unit: 'days', value: 7 } })).id);
    const seen: string[] = [];
    for await (const workspace of admin.admin.workspaces.list({ limit: 3 })) {
      assertWorkspaceShape(workspace);
      seen.push(workspace.id);
    }
    assert.equal(new Set(seen).size, seen.length);
    assert.deepEqual(seen, [...seen].sort().reverse());
    assert.deepEqual(seen.slice(0, 7), created);
    assert.equal(seen.at(-1), server.defaultWorkspaceId);

    const page = await admin.admin.workspaces.list({ before_id: created[6], limit: 2 });
    assert.deepEqual(page.data.map((w) => w.id), created.slice(4, 6));
    assert.equal(page.has_more, true);
  });

  it('archives a workspace idempotently, and gets ConflictError for the default one', async () => {
    const created = await admin.admin.workspaces.create({ data_retention: { unit: 'days', value: 7 } });
    const { key } = await admin.admin.apiKeys.create({ name: 'doomed', workspace_id: created.id });
    const archived = await admin.admin.workspaces.archive(created.id);
    assert.notEqual(archived.archived_at, null);
    assert.deepEqual(await admin.admin.workspaces.archive(created.id), archived);
    await expectSdkError(legacyClient(key).admin.workspaces.list(), AuthenticationError, 'unauthorized');

    const error = await expectSdkError(admin.admin.workspaces.archive(server.defaultWorkspaceId), ConflictError, 'conflict');
    assert.equal(error.headers?.get('x-should-retry'), 'false');
  });

  it('creates, lists and revokes API keys', async () => {
    const workspace = await admin.admin.workspaces.create({ data_retention: { unit: 'days', value: 7 } });
    const live = await admin.admin.apiKeys.create({ name: 'legacy live', workspace_id: workspace.id, expires_in_days: 10 });
    const test = await admin.admin.apiKeys.create({ name: 'legacy test', workspace_id: workspace.id, mode: 'test', allowed_ips: ['127.0.0.1'] });
    assert.match(live.key, /^sk_bc_ws_live_/);
    assert.match(test.key, /^sk_bc_ws_test_/);
    assertApiKeyShape(live.key_details);
    assert.equal(Date.parse(live.key_details.expires_at!) - Date.parse(live.key_details.created_at), 10 * 86_400_000);
    assert.deepEqual(test.key_details.allowed_ips, ['127.0.0.1']);

    const inWorkspace = [];
    for await (const key of admin.admin.apiKeys.list({ workspace_id: workspace.id, limit: 1 })) inWorkspace.push(key);
    assert.deepEqual(inWorkspace, [test.key_details, live.key_details]);

    const everyKey: string[] = [];
    for await (const key of admin.admin.apiKeys.list({ limit: 2 })) everyKey.push(key.key_type);
    assert.equal(everyKey.filter((type) => type === 'admin').length, 2);

    const revoked = await admin.admin.apiKeys.revoke(live.key_details.id);
    assert.equal(revoked.is_active, false);
    assert.deepEqual(await admin.admin.apiKeys.revoke(live.key_details.id), revoked);
    await expectSdkError(legacyClient(live.key).admin.apiKeys.list(), AuthenticationError, 'unauthorized');
    await expectSdkError(admin.admin.apiKeys.revoke('key_doesNotExist0000000'), NotFoundError, 'not_found');
  });
});
