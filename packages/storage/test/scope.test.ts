import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JobKind, JobMode, NewJobRow, Storage } from '../src/index.ts';
import { AT, apiKeyRow, insertOrganization, jobRow, workspaceRow } from './fixtures.ts';
import { TEST_DIALECT, type TestDatabase, openTestDatabase } from './test-database.ts';

/**
 * Tenant isolation is enforced by the stores (DESIGN.md "Isolation is enforced in one place"):
 * a scope derived from the credential filters every read and write, so another organization's,
 * workspace's or mode's rows are invisible and untouchable, whatever id the caller names.
 */
const A = { organizationId: 'org_A' };
const B = { organizationId: 'org_B' };
const PAGE = { limit: 100 };

function scopedJob(id: string, organizationId: string, workspaceId: string, mode: JobMode, kind: JobKind): NewJobRow {
  return jobRow(id, { kind, organization_id: organizationId, workspace_id: workspaceId, mode, model: 'boltz-2', version: '1', input_files: null, request_fingerprint: id, cost_milli_usd: 0 });
}

describe(`store scopes on ${TEST_DIALECT}`, () => {
  let database: TestDatabase;
  let storage: Storage;
  before(async () => {
    database = await openTestDatabase();
    storage = database.storage;
    await insertOrganization(storage, 'org_A', 'ws_A_default');
    await insertOrganization(storage, 'org_B', 'ws_B_default');
    await storage.workspaces.insert(workspaceRow('org_A', 'ws_A_second', 'Shared name'));
    await storage.workspaces.insert(workspaceRow('org_B', 'ws_B_second', 'Shared name'));
    for (const [org, id, workspace] of [
      ['org_A', 'key_A_admin', null],
      ['org_A', 'key_A_ws', 'ws_A_second'],
      ['org_B', 'key_B_admin', null],
      ['org_B', 'key_B_ws', 'ws_B_second'],
    ] as const) {
      await storage.apiKeys.insert(apiKeyRow(org, id, workspace));
    }
  });
  after(() => database.dispose());

  it('workspaces: find, list and the name filter see only the scope’s organization', async () => {
    assert.equal((await storage.workspaces.find(A, 'ws_A_second'))?.id, 'ws_A_second');
    assert.equal(await storage.workspaces.find(A, 'ws_B_second'), undefined);
    assert.equal((await storage.workspaces.findDefault(B))?.id, 'ws_B_default');
    assert.deepEqual((await storage.workspaces.list(A, {}, PAGE)).data.map((w) => w.id).sort(), ['ws_A_default', 'ws_A_second']);
    assert.deepEqual((await storage.workspaces.list(B, { namePrefix: 'shared' }, PAGE)).data.map((w) => w.id), ['ws_B_second']);
  });

  it('workspaces: update and archive leave another organization’s workspace untouched', async () => {
    assert.equal(await storage.workspaces.update(A, 'ws_B_second', { name: 'Taken over' }, AT), undefined);
    assert.equal(await storage.workspaces.archive(A, 'ws_B_second', AT), undefined);
    const untouched = await storage.workspaces.find(B, 'ws_B_second');
    assert.equal(untouched?.name, 'Shared name');
    assert.equal(untouched?.archived_at, null);
  });

  it('API keys: find, list (with a workspace filter) and revoke stay inside the organization', async () => {
    assert.equal((await storage.apiKeys.find(A, 'key_A_ws'))?.id, 'key_A_ws');
    assert.equal(await storage.apiKeys.find(A, 'key_B_ws'), undefined);
    assert.deepEqual((await storage.apiKeys.list(B, {}, PAGE)).data.map((k) => k.id).sort(), ['key_B_admin', 'key_B_ws']);
    assert.deepEqual((await storage.apiKeys.list(A, { workspaceId: 'ws_B_second' }, PAGE)).data, [], 'naming a foreign workspace shows nothing');
    assert.equal(await storage.apiKeys.revoke(A, 'key_B_ws', AT), undefined);
    assert.equal((await storage.apiKeys.find(B, 'key_B_ws'))?.revoked_at, null);
  });

  it('jobs: find and list see only the scope’s organization, mode, workspace and kind', async () => {
    const combinations: Array<[string, string, string, JobMode, JobKind]> = [
      ['sab_A_live', 'org_A', 'ws_A_default', 'live', 'structure_and_binding'],
      ['sab_A_test', 'org_A', 'ws_A_default', 'test', 'structure_and_binding'],
      ['sab_A2_live', 'org_A', 'ws_A_second', 'live', 'structure_and_binding'],
      ['adme_A_live', 'org_A', 'ws_A_default', 'live', 'adme'],
      ['sab_B_live', 'org_B', 'ws_B_default', 'live', 'structure_and_binding'],
    ];
    for (const [id, org, workspace, mode, kind] of combinations) await storage.jobs.insert(scopedJob(id, org, workspace, mode, kind));

    const live = { ...A, mode: 'live' as const };
    assert.equal((await storage.jobs.find(live, 'structure_and_binding', 'sab_A_live'))?.id, 'sab_A_live');
    assert.equal(await storage.jobs.find(live, 'structure_and_binding', 'sab_A_test'), undefined, 'other mode');
    assert.equal(await storage.jobs.find(live, 'structure_and_binding', 'sab_B_live'), undefined, 'other organization');
    assert.equal(await storage.jobs.find(live, 'structure_and_binding', 'adme_A_live'), undefined, 'other kind');
    assert.equal((await storage.jobs.find(live, 'structure_and_binding', 'sab_A2_live'))?.id, 'sab_A2_live', 'an admin scope spans workspaces');
    assert.equal(await storage.jobs.find({ ...live, workspaceId: 'ws_A_default' }, 'structure_and_binding', 'sab_A2_live'), undefined, 'other workspace');

    const listed = await storage.jobs.list({ ...live, workspaceId: 'ws_A_default' }, 'structure_and_binding', PAGE);
    assert.deepEqual(listed.data.map((job) => job.id), ['sab_A_live']);
    const test = await storage.jobs.list({ ...A, mode: 'test', workspaceId: 'ws_A_default' }, 'structure_and_binding', PAGE);
    assert.deepEqual(test.data.map((job) => job.id), ['sab_A_test']);
  });
});
