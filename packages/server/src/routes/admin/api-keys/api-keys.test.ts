import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Boltz from 'boltz-api';
import { AuthenticationError, NotFoundError, PermissionDeniedError } from 'boltz-api';
import { createAdminKey } from '../../../bootstrap.ts';
import { rawRequest, startTestServer, type TestServer } from '../../../../test/harness.ts';
import { assertApiKeyShape, expectSdkError } from '../../../../test/sdk-assertions.ts';

const DAY_MS = 86_400_000;

/** Conformance of admin.apiKeys.* through the official SDK (spec/API.md §5.2). */
describe('admin.apiKeys through the official SDK', () => {
  let server: TestServer;
  let liveAdmin: Boltz;
  let testAdmin: Boltz;
  before(async () => {
    server = await startTestServer();
    liveAdmin = server.client(server.liveAdminKey);
    testAdmin = server.client(server.testAdminKey);
  });
  after(() => server.close());

  async function listAll(client: Boltz, workspaceId?: string) {
    const keys = [];
    for await (const key of client.admin.apiKeys.list(workspaceId ? { workspace_id: workspaceId } : {})) keys.push(key);
    return keys;
  }

  describe('create', () => {
    it('creates a live key in the default workspace for a live admin key by default', async () => {
      const created = await liveAdmin.admin.apiKeys.create({ name: 'CI pipeline' });
      assert.match(created.key, /^sk_bc_ws_live_[0-9A-Za-z]{40}$/);
      assert.deepEqual(Object.keys(created).sort(), ['key', 'key_details']);
      const details = created.key_details;
      assertApiKeyShape(details);
      assert.equal(details.name, 'CI pipeline');
      assert.equal(details.key_prefix, created.key.slice(0, 12));
      assert.equal(details.key_prefix, 'sk_bc_ws_liv');
      assert.equal(details.key_type, 'workspace');
      assert.equal(details.livemode, true);
      assert.equal(details.workspace_id, server.defaultWorkspaceId);
      assert.deepEqual(details.allowed_ips, []);
      assert.equal(details.is_active, true);
      assert.equal(details.expires_at, null);
      assert.equal(details.last_used_at, null);

      const me = await server.client(created.key).auth.me();
      assert.deepEqual(me, {
        principal_type: 'api_key',
        api_key_id: details.id,
        key_type: 'workspace',
        mode: 'live',
        organization_id: server.organizationId,
        selected_organization_id: server.organizationId,
        workspace_id: server.defaultWorkspaceId,
        organization_name: 'Default organization',
      });
    });

    it('defaults the mode to the calling admin key\'s mode (decision d)', async () => {
      const created = await testAdmin.admin.apiKeys.create({ name: 'test by default' });
      assert.match(created.key, /^sk_bc_ws_test_[0-9A-Za-z]{40}$/);
      assert.equal(created.key_details.key_prefix, 'sk_bc_ws_tes');
      assert.equal(created.key_details.livemode, false);
      const me = await server.client(created.key).auth.me();
      assert.equal(me.principal_type === 'api_key' && me.mode, 'test');
    });

    it('honours an explicit mode and workspace', async () => {
      const workspace = await liveAdmin.admin.workspaces.create({ name: 'Keys here' });
      const created = await liveAdmin.admin.apiKeys.create({ name: 'explicit', mode: 'test', workspace_id: workspace.id });
      assert.match(created.key, /^sk_bc_ws_test_/);
      assert.equal(created.key_details.livemode, false);
      assert.equal(created.key_details.workspace_id, workspace.id);
      const me = await server.client(created.key).auth.me();
      assert.equal(me.principal_type === 'api_key' && me.workspace_id, workspace.id);
    });

    it('stores allowed_ips, and a key limited to the caller\'s address works', async () => {
      const created = await liveAdmin.admin.apiKeys.create({ name: 'pinned', allowed_ips: ['127.0.0.1', '::1', '10.0.0.0/8'] });
      assert.deepEqual(created.key_details.allowed_ips, ['127.0.0.1', '::1', '10.0.0.0/8']);
      assert.equal((await server.client(created.key).auth.me()).principal_type, 'api_key');
    });

    it('sets expires_at expires_in_days after creation', async () => {
      for (const days of [1, 30, 365]) {
        const { key_details } = await liveAdmin.admin.apiKeys.create({ name: `expires in ${days}`, expires_in_days: days });
        assert.notEqual(key_details.expires_at, null);
        assert.equal(Date.parse(key_details.expires_at!) - Date.parse(key_details.created_at), days * DAY_MS);
      }
    });

    it('answers NotFoundError for an unknown workspace and creates nothing', async () => {
      const before = (await listAll(liveAdmin)).length;
      const error = await expectSdkError(
        liveAdmin.admin.apiKeys.create({ name: 'nowhere', workspace_id: 'ws_doesNotExist0000000' }),
        NotFoundError,
        'not_found',
      );
      assert.equal(error.status, 404);
      assert.equal((await listAll(liveAdmin)).length, before);
    });

    it('refuses an archived workspace with PermissionDeniedError workspace_archived', async () => {
      const workspace = await liveAdmin.admin.workspaces.create({});
      await liveAdmin.admin.workspaces.archive(workspace.id);
      const error = await expectSdkError(
        liveAdmin.admin.apiKeys.create({ name: 'too late', workspace_id: workspace.id }),
        PermissionDeniedError,
        'workspace_archived',
      );
      assert.equal(error.status, 403);
      assert.equal((await listAll(liveAdmin, workspace.id)).length, 0);
    });
  });

  describe('list', () => {
    it('lists every key of the organization, admin keys included, newest first', async () => {
      const created = await liveAdmin.admin.apiKeys.create({ name: 'listed' });
      const keys = await listAll(liveAdmin);
      for (const key of keys) assertApiKeyShape(key);
      const ids = keys.map((key) => key.id);
      assert.deepEqual(ids, [...ids].sort().reverse());
      assert.equal(new Set(ids).size, ids.length);
      assert.equal(ids[0], created.key_details.id);

      const admins = keys.filter((key) => key.key_type === 'admin');
      assert.deepEqual(admins.map((key) => key.livemode).sort(), [false, true]);
      for (const key of admins) {
        assert.equal(key.workspace_id, null);
        assert.equal(key.key_prefix, 'sk_bc_admin_');
        assert.equal(key.is_active, true);
      }
      // The listing is the same record as the create response, minus nothing.
      assert.deepEqual(keys[0], created.key_details);
    });

    it('filters by workspace', async () => {
      const workspace = await liveAdmin.admin.workspaces.create({});
      const first = await liveAdmin.admin.apiKeys.create({ name: 'first', workspace_id: workspace.id });
      const second = await liveAdmin.admin.apiKeys.create({ name: 'second', workspace_id: workspace.id, mode: 'test' });
      await liveAdmin.admin.apiKeys.create({ name: 'elsewhere' });
      const keys = await listAll(liveAdmin, workspace.id);
      assert.deepEqual(keys.map((key) => key.id), [second.key_details.id, first.key_details.id]);
      assert.deepEqual((await listAll(testAdmin, workspace.id)).map((key) => key.id), keys.map((key) => key.id), 'both modes see keys of both modes');
      assert.deepEqual(await listAll(liveAdmin, 'ws_doesNotExist0000000'), []);
    });

    it('shows when a key was last used', async () => {
      const created = await liveAdmin.admin.apiKeys.create({ name: 'used' });
      await server.client(created.key).auth.me();
      const [listed] = (await liveAdmin.admin.apiKeys.list({ limit: 1 })).data;
      assert.equal(listed.id, created.key_details.id);
      assert.notEqual(listed.last_used_at, null);
      assert.ok(listed.last_used_at! >= listed.created_at);
    });
  });

  describe('revoke', () => {
    it('deactivates the key, which then gets AuthenticationError; revoking again changes nothing', async () => {
      const created = await liveAdmin.admin.apiKeys.create({ name: 'short-lived' });
      const client = server.client(created.key);
      await client.auth.me();

      const revoked = await liveAdmin.admin.apiKeys.revoke(created.key_details.id);
      assertApiKeyShape(revoked);
      assert.equal(revoked.is_active, false);
      assert.deepEqual({ ...revoked, is_active: true, last_used_at: null }, created.key_details);

      const error = await expectSdkError(client.auth.me(), AuthenticationError, 'unauthorized');
      assert.equal(error.status, 401);
      assert.deepEqual(await liveAdmin.admin.apiKeys.revoke(created.key_details.id), revoked);
      const listed = (await listAll(liveAdmin)).find((key) => key.id === created.key_details.id);
      assert.deepEqual(listed, revoked);
    });

    it('lets an admin key revoke itself; its next request gets AuthenticationError', async () => {
      const extra = await createAdminKey(server.storage, { organizationId: server.organizationId, mode: 'live', name: 'self-revoking' });
      const client = server.client(extra.key);
      const revoked = await client.admin.apiKeys.revoke(extra.id);
      assert.equal(revoked.id, extra.id);
      assert.equal(revoked.key_type, 'admin');
      assert.equal(revoked.is_active, false);
      await expectSdkError(client.admin.apiKeys.list(), AuthenticationError, 'unauthorized');
    });

    it('answers NotFoundError for an unknown id', async () => {
      const error = await expectSdkError(liveAdmin.admin.apiKeys.revoke('key_doesNotExist0000000'), NotFoundError, 'not_found');
      assert.match(error.error.message, /key_doesNotExist0000000/);
    });

    // Body-less POST as old clients send it and as SDK ≥ 0.46.2 sends it (spec/API.md §1).
    for (const [label, headers] of [
      ['no body and no content-type', {}],
      ['content-type application/json and an empty body', { 'content-type': 'application/json' }],
    ] as const) {
      it(`accepts ${label}`, async () => {
        const created = await liveAdmin.admin.apiKeys.create({ name: label });
        const response = await rawRequest(server, 'POST', `/compute/v1/admin/api-keys/${created.key_details.id}/revoke`, {
          apiKey: server.liveAdminKey,
          headers,
          body: 'content-type' in headers ? '' : undefined,
        });
        assert.equal(response.status, 200, response.text);
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
        assertApiKeyShape(response.body);
        assert.equal(response.body.is_active, false);
      });
    }
  });
});
