import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newId } from '@boltz/shared';
import { type CursorParams, type ListOrder, type Storage, paginateById } from '../src/index.ts';
import { insertOrganization, workspaceRow } from './fixtures.ts';
import { TEST_DIALECT, type TestDatabase, openTestDatabase } from './test-database.ts';

/**
 * Cursor pagination by id (spec/API.md §4.1) on a known ordered set: ten workspaces of one
 * organization, plus one of another organization that a filtered query must never show.
 */
describe(`paginateById on ${TEST_DIALECT}`, () => {
  let database: TestDatabase;
  let storage: Storage;
  /** Ids in creation order, oldest first. */
  let ids: string[];

  before(async () => {
    database = await openTestDatabase();
    storage = database.storage;
    // Ids made at consecutive milliseconds across the 'Z' → 'a' boundary of the time digits,
    // where a case-insensitive collation would break "sorted by id = sorted by creation".
    const base = 62 * 62 * 1_000_000;
    ids = Array.from({ length: 10 }, (_, i) => newId('ws_', base + 31 + i));
    await insertOrganization(storage, 'org_pages', 'ws_0default');
    await insertOrganization(storage, 'org_other', 'ws_other');
    await storage.db.deleteFrom('workspaces').where('id', '=', 'ws_0default').execute();
    for (const id of [...ids].reverse()) await storage.workspaces.insert(workspaceRow('org_pages', id, id));
  });
  after(() => database.dispose());

  const page = (params: Partial<CursorParams> & { limit: number }, order: ListOrder = 'newest_first') =>
    paginateById(storage.db.selectFrom('workspaces').selectAll().where('organization_id', '=', 'org_pages'), 'id', params, order);
  const idsOf = (result: { data: Array<{ id: string }> }) => result.data.map((row) => row.id);
  const newestFirst = () => [...ids].reverse();

  it('orders by id, which is creation order', async () => {
    assert.deepEqual([...ids].sort(), ids, 'ids sort as they were created');
    assert.deepEqual(idsOf(await page({ limit: 100 })), newestFirst());
    assert.deepEqual(idsOf(await page({ limit: 100 }, 'oldest_first')), ids);
  });

  it('walks forward with after_id until has_more is false', async () => {
    const seen: string[] = [];
    let result = await page({ limit: 4 });
    for (;;) {
      seen.push(...idsOf(result));
      assert.equal(result.first_id, result.data[0].id);
      assert.equal(result.last_id, result.data.at(-1)!.id);
      if (!result.has_more) break;
      result = await page({ limit: 4, after_id: result.last_id! });
    }
    assert.deepEqual(seen, newestFirst());
    assert.deepEqual(idsOf(await page({ limit: 3, after_id: ids[5] })), [ids[4], ids[3], ids[2]]);
    assert.equal((await page({ limit: 3, after_id: ids[3] })).has_more, false, 'exactly the last three');
  });

  it('walks backward with before_id, each page in list order, until has_more is false', async () => {
    const pages: string[][] = [];
    let result = await page({ limit: 4, before_id: ids[0] });
    for (;;) {
      pages.push(idsOf(result));
      if (!result.has_more) break;
      result = await page({ limit: 4, before_id: result.first_id! });
    }
    assert.deepEqual(pages, [
      [ids[4], ids[3], ids[2], ids[1]],
      [ids[8], ids[7], ids[6], ids[5]],
      [ids[9]],
    ]);
    const oldestFirst = await page({ limit: 2, before_id: ids[5] }, 'oldest_first');
    assert.deepEqual(idsOf(oldestFirst), [ids[3], ids[4]]);
    assert.equal(oldestFirst.has_more, true);
  });

  it('returns the items strictly between after_id and before_id, has_more in the after_id direction', async () => {
    const between = await page({ limit: 10, after_id: ids[8], before_id: ids[2] });
    assert.deepEqual(idsOf(between), [ids[7], ids[6], ids[5], ids[4], ids[3]]);
    assert.equal(between.has_more, false);
    const truncated = await page({ limit: 2, after_id: ids[8], before_id: ids[2] });
    assert.deepEqual(idsOf(truncated), [ids[7], ids[6]]);
    assert.equal(truncated.has_more, true);
  });

  it('treats unknown cursors positionally and gives an empty page with null ids past the end', async () => {
    const past = await page({ limit: 5, after_id: ids[0] });
    assert.deepEqual(past, { data: [], first_id: null, last_id: null, has_more: false });
    const positional = await page({ limit: 2, after_id: `${ids[6]}x` });
    assert.deepEqual(idsOf(positional), [ids[6], ids[5]], 'an id that does not exist still has a place in the order');
    // 'ws_' sorts below every id, so in newest-first order it sits after the oldest item.
    assert.deepEqual(idsOf(await page({ limit: 2, after_id: 'ws_' })), []);
    const oldest = await page({ limit: 2, before_id: 'ws_' });
    assert.deepEqual(idsOf(oldest), [ids[1], ids[0]]);
    assert.equal(oldest.has_more, true);
  });
});
