import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Boltz, { AuthenticationError, BadRequestError, ConflictError, NotFoundError, PermissionDeniedError, UnprocessableEntityError } from 'boltz-api';
import { createAdminKey, createOrganization } from '../../../bootstrap.ts';
import { rawRequest, startTestServer, type TestServer } from '../../../../test/harness.ts';
import { assertWorkspaceShape, expectSdkError } from '../../../../test/sdk-assertions.ts';

/** Conformance of admin.workspaces.* through the official SDK (spec/API.md §5.1). */
describe('admin.workspaces through the official SDK', () => {
  let server: TestServer;
  let admin: Boltz;
  before(async () => {
    server = await startTestServer();
    admin = server.client(server.liveAdminKey);
  });
  after(() => server.close());

  /** Names unique to one test, so tests sharing the server do not see each other's workspaces. */
  const tag = () => `t${randomUUID().slice(0, 8)}`;

  describe('create', () => {
    it('applies the defaults when no field is given', async () => {
      const workspace = await admin.admin.workspaces.create({});
      assertWorkspaceShape(workspace);
      assert.equal(workspace.name, null);
      assert.equal(workspace.is_default, false);
      assert.deepEqual(workspace.data_retention, { unit: 'days', value: 7 });
      assert.equal(workspace.archived_at, null);
      assert.equal(workspace.created_at, workspace.updated_at);
      assert.equal(await admin.admin.workspaces.retrieveSpendingLimit(workspace.id), null);
    });

    it('stores name, data retention and spending limit', async () => {
      const workspace = await admin.admin.workspaces.create({
        name: 'Team Alpha',
        data_retention: { unit: 'hours', value: 48 },
        spending_limit: { type: 'lifetime', limit: { amount: 5000, currency: 'MILLI_USD' } },
      });
      assertWorkspaceShape(workspace);
      assert.equal(workspace.name, 'Team Alpha');
      assert.deepEqual(workspace.data_retention, { unit: 'hours', value: 48 });
      assert.deepEqual(await admin.admin.workspaces.retrieve(workspace.id), workspace);
      assert.deepEqual(await admin.admin.workspaces.retrieveSpendingLimit(workspace.id), {
        type: 'lifetime',
        limit: { amount: 5000, currency: 'MILLI_USD' },
        accrued_usage: { amount: 0, currency: 'MILLI_USD' },
      });
    });

    it('normalises a spending limit at or above 2^52 to the unlimited sentinel', async () => {
      const workspace = await admin.admin.workspaces.create({
        spending_limit: { type: 'lifetime', limit: { amount: 2 ** 52, currency: 'MILLI_USD' } },
      });
      const limit = await admin.admin.workspaces.retrieveSpendingLimit(workspace.id);
      assert.equal(limit?.limit.amount, 9007199254740991);
    });

    it('accepts the longest retention, 14 days or 336 hours, and rejects 15 days and 337 hours', async () => {
      for (const retention of [{ unit: 'days', value: 14 }, { unit: 'hours', value: 336 }] as const) {
        const workspace = await admin.admin.workspaces.create({ data_retention: retention });
        assert.deepEqual(workspace.data_retention, retention);
      }
      for (const retention of [{ unit: 'days', value: 15 }, { unit: 'hours', value: 337 }] as const) {
        const before = await countWorkspaces();
        const error = await expectSdkError(admin.admin.workspaces.create({ data_retention: retention }), BadRequestError, 'VALIDATION_ERROR');
        assert.equal(error.status, 400);
        assert.ok(error.error.details?.['data_retention.value'], JSON.stringify(error.error));
        assert.equal(await countWorkspaces(), before, 'nothing is created on a failed request');
      }
    });
  });

  async function countWorkspaces(): Promise<number> {
    let count = 0;
    for await (const _ of admin.admin.workspaces.list()) count++;
    return count;
  }

  describe('list with a name filter', () => {
    async function namesMatching(name: string): Promise<string[]> {
      const names: string[] = [];
      for await (const workspace of admin.admin.workspaces.list({ name })) {
        assertWorkspaceShape(workspace);
        names.push(workspace.name ?? '');
      }
      return names;
    }

    it('filters by case-insensitive prefix, newest first', async () => {
      const t = tag();
      for (const name of [`${t} Alpha One`, `${t} alpha two`, `${t} ALPHABET`, `${t} Beta`, `x ${t} alpha`]) {
        await admin.admin.workspaces.create({ name });
      }
      assert.deepEqual(await namesMatching(`${t} alpha`), [`${t} ALPHABET`, `${t} alpha two`, `${t} Alpha One`]);
      assert.deepEqual(await namesMatching(`${t.toUpperCase()} ALPHA T`), [`${t} alpha two`]);
      assert.deepEqual(await namesMatching(`${t} gamma`), []);
    });

    it('treats % and _ in the filter literally', async () => {
      const t = tag();
      for (const name of [`${t} 100% pure`, `${t} 100 pure`, `${t} 1000 pure`, `${t} a_b`, `${t} axb`, `${t} back\\slash`, `${t} backslash`]) {
        await admin.admin.workspaces.create({ name });
      }
      assert.deepEqual(await namesMatching(`${t} 100%`), [`${t} 100% pure`]);
      assert.deepEqual(await namesMatching(`${t} a_`), [`${t} a_b`]);
      assert.deepEqual(await namesMatching(`${t} back\\`), [`${t} back\\slash`]);
      assert.deepEqual(await namesMatching('%'), []);
      assert.deepEqual(await namesMatching('_'), []);
    });

    it('lists unnamed, named and archived workspaces without a filter', async () => {
      const unnamed = await admin.admin.workspaces.create({});
      const archived = await admin.admin.workspaces.archive((await admin.admin.workspaces.create({ name: tag() })).id);
      const listed = new Map<string, unknown>();
      for await (const workspace of admin.admin.workspaces.list()) listed.set(workspace.id, workspace);
      assert.deepEqual(listed.get(unnamed.id), unnamed);
      assert.deepEqual(listed.get(archived.id), archived);
      assert.ok(listed.has(server.defaultWorkspaceId));
    });
  });

  describe('retrieve', () => {
    it('returns the default workspace created at bootstrap', async () => {
      const workspace = await admin.admin.workspaces.retrieve(server.defaultWorkspaceId);
      assertWorkspaceShape(workspace);
      assert.equal(workspace.is_default, true);
      assert.deepEqual(workspace.data_retention, { unit: 'days', value: 7 });
    });

    it('answers NotFoundError for an unknown id', async () => {
      const error = await expectSdkError(admin.admin.workspaces.retrieve('ws_doesNotExist0000000'), NotFoundError, 'not_found');
      assert.equal(error.status, 404);
      assert.match(error.error.message, /ws_doesNotExist0000000/);
    });

    // Retrieval is served from this replica's record cache (workspace-cache.ts).
    it('shows this replica\'s updates and archiving at once, and never another organization\'s cached workspace', async () => {
      const created = await admin.admin.workspaces.create({ name: 'Cached' });
      assert.deepEqual(await admin.admin.workspaces.retrieve(created.id), created);
      const renamed = await admin.admin.workspaces.update(created.id, { name: 'Renamed', data_retention: { unit: 'hours', value: 3 } });
      assert.deepEqual(await admin.admin.workspaces.retrieve(created.id), renamed);
      const archived = await admin.admin.workspaces.archive(created.id);
      assert.ok(archived.archived_at);
      assert.deepEqual(await admin.admin.workspaces.retrieve(created.id), archived);

      const other = await createOrganization(server.storage, 'Cache neighbour');
      const otherAdmin = server.client((await createAdminKey(server.storage, { organizationId: other.organizationId, mode: 'live' })).key);
      await expectSdkError(otherAdmin.admin.workspaces.retrieve(created.id), NotFoundError, 'not_found');
      assert.equal((await otherAdmin.admin.workspaces.retrieve(other.defaultWorkspaceId)).id, other.defaultWorkspaceId);
      await expectSdkError(admin.admin.workspaces.retrieve(other.defaultWorkspaceId), NotFoundError, 'not_found');
    });
  });

  describe('update', () => {
    it('changes the name only, keeping the other fields', async () => {
      const created = await admin.admin.workspaces.create({ name: 'Before', data_retention: { unit: 'hours', value: 12 } });
      const updated = await admin.admin.workspaces.update(created.id, { name: 'After' });
      assertWorkspaceShape(updated);
      assert.deepEqual({ ...updated, updated_at: created.updated_at }, { ...created, name: 'After' });
      assert.ok(updated.updated_at >= created.updated_at);
      assert.deepEqual(await admin.admin.workspaces.retrieve(created.id), updated);
    });

    it('clears the name with null and keeps the retention', async () => {
      const created = await admin.admin.workspaces.create({ name: 'Named', data_retention: { unit: 'days', value: 3 } });
      const updated = await admin.admin.workspaces.update(created.id, { name: null });
      assert.equal(updated.name, null);
      assert.deepEqual(updated.data_retention, { unit: 'days', value: 3 });
      assert.equal((await admin.admin.workspaces.retrieve(created.id)).name, null);
    });

    it('changes the retention only, keeping the name', async () => {
      const created = await admin.admin.workspaces.create({ name: 'Keeps its name' });
      const updated = await admin.admin.workspaces.update(created.id, { data_retention: { unit: 'hours', value: 336 } });
      assert.equal(updated.name, 'Keeps its name');
      assert.deepEqual(updated.data_retention, { unit: 'hours', value: 336 });
      assert.deepEqual(await admin.admin.workspaces.retrieve(created.id), updated);
    });

    it('returns the workspace unchanged for an empty update', async () => {
      const created = await admin.admin.workspaces.create({ name: 'Untouched' });
      assert.deepEqual(await admin.admin.workspaces.update(created.id, {}), created);
    });

    it('rejects a retention over 14 days and changes nothing', async () => {
      const created = await admin.admin.workspaces.create({ name: 'Short retention' });
      const error = await expectSdkError(
        admin.admin.workspaces.update(created.id, { name: 'Renamed', data_retention: { unit: 'days', value: 15 } }),
        BadRequestError,
        'VALIDATION_ERROR',
      );
      assert.ok(error.error.details?.['data_retention.value']);
      assert.deepEqual(await admin.admin.workspaces.retrieve(created.id), created);
    });

    it('answers NotFoundError for an unknown id', async () => {
      await expectSdkError(admin.admin.workspaces.update('ws_doesNotExist0000000', { name: 'x' }), NotFoundError, 'not_found');
    });
  });

  describe('archive', () => {
    it('archives once, returns the workspace unchanged the second time, and stops its keys', async () => {
      const created = await admin.admin.workspaces.create({ name: 'To archive' });
      const { key: liveKey } = await admin.admin.apiKeys.create({ name: 'live', workspace_id: created.id, mode: 'live' });
      const { key: testKey } = await admin.admin.apiKeys.create({ name: 'test', workspace_id: created.id, mode: 'test' });
      assert.equal((await server.client(liveKey).auth.me()).principal_type, 'api_key');

      const archived = await admin.admin.workspaces.archive(created.id);
      assertWorkspaceShape(archived);
      assert.notEqual(archived.archived_at, null);
      assert.deepEqual({ ...archived, archived_at: null, updated_at: created.updated_at }, created);
      assert.deepEqual(await admin.admin.workspaces.archive(created.id), archived);
      assert.deepEqual(await admin.admin.workspaces.retrieve(created.id), archived);

      for (const key of [liveKey, testKey]) {
        const error = await expectSdkError(server.client(key).auth.me(), AuthenticationError, 'unauthorized');
        assert.equal(error.status, 401);
      }
      const keys = await admin.admin.apiKeys.list({ workspace_id: created.id });
      assert.deepEqual(keys.data.map((key) => key.is_active), [false, false]);
    });

    it('refuses the default workspace with ConflictError, which the SDK does not retry', async () => {
      let requests = 0;
      const retryingClient = new Boltz({
        apiKey: server.liveAdminKey,
        baseURL: server.baseURL,
        maxRetries: 2,
        logLevel: 'off',
        fetch: (input, init) => {
          requests++;
          return fetch(input, init);
        },
      });
      const error = await expectSdkError(retryingClient.admin.workspaces.archive(server.defaultWorkspaceId), ConflictError, 'conflict');
      assert.equal(error.status, 409);
      assert.equal(error.headers?.get('x-should-retry'), 'false');
      assert.equal(requests, 1);
      assert.equal((await admin.admin.workspaces.retrieve(server.defaultWorkspaceId)).archived_at, null);
    });

    it('answers NotFoundError for an unknown id', async () => {
      await expectSdkError(admin.admin.workspaces.archive('ws_doesNotExist0000000'), NotFoundError, 'not_found');
    });

    // Body-less POST as old clients send it and as SDK ≥ 0.46.2 sends it (spec/API.md §1).
    for (const [label, headers] of [
      ['no body and no content-type', {}],
      ['content-type application/json and an empty body', { 'content-type': 'application/json' }],
    ] as const) {
      it(`accepts ${label}`, async () => {
        const created = await admin.admin.workspaces.create({});
        const response = await rawRequest(server, 'POST', `/compute/v1/admin/workspaces/${created.id}/archive`, {
          apiKey: server.liveAdminKey,
          headers,
          body: 'content-type' in headers ? '' : undefined,
        });
        assert.equal(response.status, 200, response.text);
        assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
        assertWorkspaceShape(response.body);
        assert.notEqual(response.body.archived_at, null);
      });
    }
  });

  describe('spending limit', () => {
    it('is JSON null when unset, which the SDK returns as null', async () => {
      const workspace = await admin.admin.workspaces.create({});
      assert.equal(await admin.admin.workspaces.retrieveSpendingLimit(workspace.id), null);
      const raw = await rawRequest(server, 'GET', `/compute/v1/admin/workspaces/${workspace.id}/spending-limit`, { apiKey: server.liveAdminKey });
      assert.equal(raw.status, 200);
      assert.equal(raw.text, 'null');
      assert.match(raw.headers.get('content-type') ?? '', /^application\/json/);
    });

    it('is set, replaced and read back with accrued usage', async () => {
      const workspace = await admin.admin.workspaces.create({});
      const set = await admin.admin.workspaces.setSpendingLimit(workspace.id, {
        type: 'lifetime',
        limit: { amount: 5000, currency: 'MILLI_USD' },
      });
      assert.deepEqual(set, {
        type: 'lifetime',
        limit: { amount: 5000, currency: 'MILLI_USD' },
        accrued_usage: { amount: 0, currency: 'MILLI_USD' },
      });
      const replaced = await admin.admin.workspaces.setSpendingLimit(workspace.id, { type: 'lifetime', limit: { amount: 0, currency: 'MILLI_USD' } });
      assert.equal(replaced?.limit.amount, 0);
      assert.deepEqual(await admin.admin.workspaces.retrieveSpendingLimit(workspace.id), replaced);
    });

    it('normalises amounts at or above 2^52 to 9007199254740991 and keeps smaller ones', async () => {
      const workspace = await admin.admin.workspaces.create({});
      const cases: Array<[number, number]> = [
        [2 ** 52 - 1, 2 ** 52 - 1],
        [2 ** 52, 9007199254740991],
        [2 ** 52 + 12345, 9007199254740991],
        [9007199254740991, 9007199254740991],
      ];
      for (const [amount, stored] of cases) {
        const limit = await admin.admin.workspaces.setSpendingLimit(workspace.id, { type: 'lifetime', limit: { amount, currency: 'MILLI_USD' } });
        assert.equal(limit?.limit.amount, stored, `amount ${amount}`);
        assert.equal((await admin.admin.workspaces.retrieveSpendingLimit(workspace.id))?.limit.amount, stored);
      }
    });

    it('counts live usage settled since the limit was set, and refuses a limit below it with UnprocessableEntityError', async () => {
      const workspace = await admin.admin.workspaces.create({});
      await admin.admin.workspaces.setSpendingLimit(workspace.id, { type: 'lifetime', limit: { amount: 5000, currency: 'MILLI_USD' } });
      const settledAt = new Date().toISOString();
      const ledgerRow = (mode: 'live' | 'test', cost: number, at: string) => ({
        id: `usage_${randomUUID()}`,
        organization_id: server.organizationId,
        workspace_id: workspace.id,
        mode,
        application: 'structure_and_binding',
        job_id: `sab_pred_${randomUUID()}`,
        quantity: 1,
        cost_milli_usd: cost,
        settled_at: at,
      });
      await server.storage.db
        .insertInto('usage_ledger')
        .values([
          ledgerRow('live', 1200, settledAt),
          // Neither test-mode usage nor usage settled before tracking started counts (§5.1).
          ledgerRow('test', 700, settledAt),
          ledgerRow('live', 900, '2020-01-01T00:00:00.000Z'),
        ])
        .execute();

      assert.deepEqual((await admin.admin.workspaces.retrieveSpendingLimit(workspace.id))?.accrued_usage, { amount: 1200, currency: 'MILLI_USD' });

      const error = await expectSdkError(
        admin.admin.workspaces.setSpendingLimit(workspace.id, { type: 'lifetime', limit: { amount: 1199, currency: 'MILLI_USD' } }),
        UnprocessableEntityError,
        'VALIDATION_ERROR',
      );
      assert.equal(error.status, 422);
      assert.ok(error.error.details?.['limit.amount'], JSON.stringify(error.error));
      assert.equal((await admin.admin.workspaces.retrieveSpendingLimit(workspace.id))?.limit.amount, 5000);

      const atUsage = await admin.admin.workspaces.setSpendingLimit(workspace.id, { type: 'lifetime', limit: { amount: 1200, currency: 'MILLI_USD' } });
      assert.deepEqual(atUsage, {
        type: 'lifetime',
        limit: { amount: 1200, currency: 'MILLI_USD' },
        accrued_usage: { amount: 1200, currency: 'MILLI_USD' },
      });
    });

    it('can be read, not set, by a workspace key of that workspace', async () => {
      const workspace = await admin.admin.workspaces.create({
        spending_limit: { type: 'lifetime', limit: { amount: 42, currency: 'MILLI_USD' } },
      });
      const { key } = await admin.admin.apiKeys.create({ name: 'reader', workspace_id: workspace.id });
      const reader = server.client(key);
      assert.equal((await reader.admin.workspaces.retrieveSpendingLimit(workspace.id))?.limit.amount, 42);
      const error = await expectSdkError(
        reader.admin.workspaces.setSpendingLimit(workspace.id, { type: 'lifetime', limit: { amount: 1, currency: 'MILLI_USD' } }),
        PermissionDeniedError,
        'forbidden',
      );
      assert.equal(error.status, 403);
    });

    it('cannot be set with a test-mode admin key (decision d)', async () => {
      const workspace = await admin.admin.workspaces.create({});
      const error = await expectSdkError(
        server.client(server.testAdminKey).admin.workspaces.setSpendingLimit(workspace.id, { type: 'lifetime', limit: { amount: 1, currency: 'MILLI_USD' } }),
        PermissionDeniedError,
        'livemode_required',
      );
      assert.equal(error.status, 403);
      assert.equal(await admin.admin.workspaces.retrieveSpendingLimit(workspace.id), null);
    });

    it('answers NotFoundError for an unknown workspace', async () => {
      await expectSdkError(admin.admin.workspaces.retrieveSpendingLimit('ws_doesNotExist0000000'), NotFoundError, 'not_found');
      await expectSdkError(
        admin.admin.workspaces.setSpendingLimit('ws_doesNotExist0000000', { type: 'lifetime', limit: { amount: 1, currency: 'MILLI_USD' } }),
        NotFoundError,
        'not_found',
      );
    });
  });
});
