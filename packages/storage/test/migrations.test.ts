import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Migrator, NO_MIGRATIONS } from 'kysely';
import { type Storage, openStorage } from '../src/index.ts';
import { migrationProvider } from '../src/migrations/index.ts';
import { AT, apiKeyRow, insertOrganization } from './fixtures.ts';
import { TEST_DIALECT, type TestDatabaseLocation, createTestDatabaseLocation } from './test-database.ts';

/**
 * One migration definition for both dialects (issue 2 §3): this file runs once per dialect
 * (BOLTZ_TEST_DIALECT), each time on an empty database.
 */
describe(`migrations on ${TEST_DIALECT}`, () => {
  let location: TestDatabaseLocation;
  let storage: Storage;
  let names: string[];
  before(async () => {
    location = await createTestDatabaseLocation();
    storage = openStorage({ url: location.url, schema: location.schema, poolSize: 2 });
    names = Object.keys(await migrationProvider.getMigrations()).sort();
  });
  after(async () => {
    await storage.close();
    await location.dispose();
  });

  it('applies every migration in numeric order on an empty database, then has nothing left to apply', async () => {
    assert.deepEqual(await storage.migrate(), names);
    assert.ok(names.every((name) => /^\d{4}_[a-z0-9_]+$/.test(name)), `migration names are numbered: ${names}`);
    assert.deepEqual(await storage.migrate(), []);
  });

  it('stores and returns values of every column type unchanged', async () => {
    // Spending limits go up to 2^53 - 1 milli-USD ("unlimited"): a bigint on PostgreSQL that must
    // come back as the same JavaScript number.
    await insertOrganization(storage, 'org_types', 'ws_types');
    await storage.spending.upsertLimit('ws_types', Number.MAX_SAFE_INTEGER, AT);
    const limit = await storage.spending.findLimit('ws_types');
    assert.equal(limit?.limit_milli_usd, Number.MAX_SAFE_INTEGER);
    assert.equal(typeof limit?.limit_milli_usd, 'number');

    const key = { ...apiKeyRow('org_types', 'key_types', 'ws_types', 'test'), allowed_ips: '["10.0.0.0/8","::1"]', expires_at: '2026-05-08T18:56:46.123Z' };
    await storage.apiKeys.insert(key);
    const stored = await storage.apiKeys.find({ organizationId: 'org_types' }, 'key_types');
    assert.deepEqual(stored, { ...key, workspace_archived_at: null });
    const workspace = await storage.workspaces.find({ organizationId: 'org_types' }, 'ws_types');
    assert.equal(workspace?.is_default, 1);
    assert.equal(workspace?.retention_value, 7);
  });

  it('enforces the same constraints on both dialects', async () => {
    // The key hash is unique: two keys can never resolve to one credential row.
    await assert.rejects(storage.apiKeys.insert({ ...apiKeyRow('org_types', 'key_duplicate', 'ws_types'), key_hash: 'key_types'.padEnd(64, '0') }));
    // Foreign keys hold on SQLite too (PRAGMA foreign_keys).
    await assert.rejects(storage.apiKeys.insert(apiKeyRow('org_missing', 'key_orphan', null)));
  });

  it('rolls every migration back to an empty schema and forward again', async () => {
    const migrator = new Migrator({ db: storage.db, provider: migrationProvider });
    const down = await migrator.migrateTo(NO_MIGRATIONS);
    assert.equal(down.error, undefined, String(down.error));
    assert.deepEqual(down.results?.map((r) => r.migrationName), [...names].reverse());
    assert.ok(down.results?.every((r) => r.direction === 'Down' && r.status === 'Success'));
    await assert.rejects(storage.db.selectFrom('api_keys').selectAll().execute(), 'the tables are gone');
    assert.deepEqual(await storage.migrate(), names);
    assert.deepEqual(await storage.db.selectFrom('api_keys').selectAll().execute(), []);
  });
});
