import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { insertOrganization, workspaceRow } from './fixtures.ts';
import { openTestDatabase, TEST_DIALECT, type TestDatabase } from './test-database.ts';

describe('ids sort byte-wise (cursor pagination relies on it)', () => {
  let database: TestDatabase;
  before(async () => {
    database = await openTestDatabase();
  });
  after(() => database.dispose());

  it('lists mixed-case ids in byte order, upper case before lower case', async () => {
    const { storage } = database;
    await insertOrganization(storage, 'org_1', 'ws_0default');
    for (const id of ['ws_a', 'ws_B', 'ws_Z', 'ws_b']) await storage.workspaces.insert(workspaceRow('org_1', id, id));
    const page = await storage.workspaces.list({ organizationId: 'org_1' }, {}, { limit: 10 });
    assert.deepEqual(page.data.map((w) => w.id), ['ws_b', 'ws_a', 'ws_Z', 'ws_B', 'ws_0default']);
  });

  it('uses the C collation for paginated ids on PostgreSQL, whatever the database default', { skip: TEST_DIALECT !== 'postgres' }, async () => {
    const { rows } = await sql<{ table_name: string; collation_name: string | null }>`
      select table_name, collation_name from information_schema.columns
      where table_schema = current_schema() and column_name = 'id'
        and table_name in ('workspaces', 'api_keys', 'jobs', 'job_results')
      order by table_name`.execute(database.storage.db);
    assert.deepEqual(rows, [
      { table_name: 'api_keys', collation_name: 'C' },
      { table_name: 'job_results', collation_name: 'C' },
      { table_name: 'jobs', collation_name: 'C' },
      { table_name: 'workspaces', collation_name: 'C' },
    ]);
  });
});
