import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type Boltz from 'boltz-api';
import { BadRequestError } from 'boltz-api';
import { startTestServer, type TestServer } from './harness.ts';
import { expectSdkError } from './sdk-assertions.ts';

/**
 * Cursor pagination (spec/API.md §4.1) as the official SDK walks it: `for await` auto-pagination
 * forwards (`after_id=last_id`) and backwards (`before_id=first_id` when the first query had
 * `before_id`), on both resource lists.
 */

interface Page {
  data: Array<{ id: string }>;
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
  hasNextPage(): boolean;
  getNextPage(): Promise<Page>;
}

interface PageSummary {
  ids: string[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

/** Every page the SDK fetches from `first` on, in the order it fetches them. */
async function walkPages(first: Promise<Page>): Promise<PageSummary[]> {
  const pages: PageSummary[] = [];
  let page = await first;
  for (;;) {
    const ids = page.data.map((item) => item.id);
    pages.push({ ids, first_id: page.first_id, last_id: page.last_id, has_more: page.has_more });
    if (!page.hasNextPage()) return pages;
    page = await page.getNextPage();
  }
}

/** What a page holding `ids` must look like. */
const pageOf = (ids: string[], has_more: boolean): PageSummary => ({
  ids,
  first_id: ids[0] ?? null,
  last_id: ids.at(-1) ?? null,
  has_more,
});

/** Ids lexically above or below every real id, which the server must treat positionally. */
const aboveAll = (prefix: string) => `${prefix}${'z'.repeat(20)}`;
const belowAll = (prefix: string) => `${prefix}0`;

describe('cursor pagination of admin.workspaces.list through the official SDK', () => {
  let server: TestServer;
  let admin: Boltz;
  /** Every workspace id in list order: newest first. */
  let all: string[];
  const list = (query: Parameters<Boltz['admin']['workspaces']['list']>[0]) => admin.admin.workspaces.list(query) as unknown as Promise<Page>;

  before(async () => {
    server = await startTestServer();
    admin = server.client(server.liveAdminKey);
    const created: string[] = [];
    for (let i = 1; i <= 25; i++) created.push((await admin.admin.workspaces.create({ name: `Workspace ${i}` })).id);
    all = [...created.reverse(), server.defaultWorkspaceId];
  });
  after(() => server.close());

  it('returns newest first, ordered by id and by creation time', async () => {
    const page = await admin.admin.workspaces.list();
    assert.deepEqual(page.data.map((w) => w.id), all);
    assert.deepEqual(all, [...all].sort().reverse());
    const created = page.data.map((w) => w.created_at);
    assert.deepEqual(created, [...created].sort().reverse());
    assert.equal(page.data[0].name, 'Workspace 25');
    assert.equal(page.has_more, false, 'the default limit (100) holds all 26');
  });

  it('walks forward with for await, limit 7, without duplicates or gaps', async () => {
    const seen: string[] = [];
    for await (const workspace of admin.admin.workspaces.list({ limit: 7 })) seen.push(workspace.id);
    assert.deepEqual(seen, all);
    assert.deepEqual(await walkPages(list({ limit: 7 })), [
      pageOf(all.slice(0, 7), true),
      pageOf(all.slice(7, 14), true),
      pageOf(all.slice(14, 21), true),
      pageOf(all.slice(21, 26), false),
    ]);
  });

  it('stops without an empty page when the last page is exactly full', async () => {
    assert.deepEqual(await walkPages(list({ limit: 13 })), [pageOf(all.slice(0, 13), true), pageOf(all.slice(13), false)]);
  });

  it('walks backward with for await from before_id, each page in list order', async () => {
    const seen: string[] = [];
    for await (const workspace of admin.admin.workspaces.list({ before_id: all[20], limit: 7 })) seen.push(workspace.id);
    assert.deepEqual(seen, [...all.slice(13, 20), ...all.slice(6, 13), ...all.slice(0, 6)]);
    assert.deepEqual(await walkPages(list({ before_id: all[20], limit: 7 })), [
      pageOf(all.slice(13, 20), true),
      pageOf(all.slice(6, 13), true),
      pageOf(all.slice(0, 6), false),
    ]);
    // Exactly full at the start of the list: has_more false, no extra request.
    assert.deepEqual(await walkPages(list({ before_id: all[14], limit: 7 })), [pageOf(all.slice(7, 14), true), pageOf(all.slice(0, 7), false)]);
  });

  it('continues forward from after_id', async () => {
    const seen: string[] = [];
    for await (const workspace of admin.admin.workspaces.list({ after_id: all[9], limit: 4 })) seen.push(workspace.id);
    assert.deepEqual(seen, all.slice(10));
  });

  it('answers an empty page with null first_id and last_id past either end', async () => {
    assert.deepEqual(await walkPages(list({ after_id: all.at(-1) })), [pageOf([], false)]);
    assert.deepEqual(await walkPages(list({ before_id: all[0] })), [pageOf([], false)]);
  });

  it('returns the items strictly between after_id and before_id, has_more in the after_id direction', async () => {
    const between = async (query: { after_id: string; before_id: string; limit?: number }) => {
      const page = await admin.admin.workspaces.list(query);
      return pageOf(page.data.map((w) => w.id), page.has_more);
    };
    assert.deepEqual(await between({ after_id: all[3], before_id: all[15] }), pageOf(all.slice(4, 15), false));
    assert.deepEqual(await between({ after_id: all[3], before_id: all[15], limit: 5 }), pageOf(all.slice(4, 9), true));
    assert.deepEqual(await between({ after_id: all[3], before_id: all[9], limit: 5 }), pageOf(all.slice(4, 9), false));
    assert.deepEqual(await between({ after_id: all[3], before_id: all[4] }), pageOf([], false));
  });

  it('treats unknown cursor ids positionally', async () => {
    const ws = 'ws_';
    assert.deepEqual((await walkPages(list({ after_id: aboveAll(ws), limit: 100 })))[0], pageOf(all, false));
    assert.deepEqual(await walkPages(list({ after_id: belowAll(ws) })), [pageOf([], false)]);
    assert.deepEqual(await walkPages(list({ before_id: aboveAll(ws) })), [pageOf([], false)]);
    assert.deepEqual((await walkPages(list({ before_id: belowAll(ws), limit: 7 })))[0], pageOf(all.slice(19), true));
    // An id that would sort just after all[5] (lexically between all[5] and all[4]).
    assert.deepEqual((await walkPages(list({ after_id: `${all[5]}0`, limit: 3 })))[0], pageOf(all.slice(5, 8), true));
    assert.deepEqual((await walkPages(list({ before_id: `${all[5]}0`, limit: 3 })))[0], pageOf(all.slice(2, 5), true));
  });

  it('accepts limit 1 and 100, and rejects 0 and 101 with BadRequestError naming limit', async () => {
    assert.deepEqual((await walkPages(list({ limit: 1 }))).length, all.length);
    assert.equal((await admin.admin.workspaces.list({ limit: 100 })).data.length, all.length);
    for (const limit of [0, 101]) {
      const error = await expectSdkError(admin.admin.workspaces.list({ limit }), BadRequestError, 'VALIDATION_ERROR');
      assert.equal(error.status, 400);
      assert.ok(error.error.details?.limit, JSON.stringify(error.error));
    }
  });

  it('applies the name filter before paging', async () => {
    // "Workspace 1" and "Workspace 10" … "Workspace 19", newest first.
    const expected = all.filter((_, index) => {
      const number = 25 - index;
      return number === 1 || (number >= 10 && number <= 19);
    });
    const seen: string[] = [];
    for await (const workspace of admin.admin.workspaces.list({ name: 'workspace 1', limit: 4 })) seen.push(workspace.id);
    assert.deepEqual(seen, expected);
  });
});

describe('cursor pagination of admin.apiKeys.list through the official SDK', () => {
  let server: TestServer;
  let admin: Boltz;
  let all: string[];
  const list = (query: Parameters<Boltz['admin']['apiKeys']['list']>[0]) => admin.admin.apiKeys.list(query) as unknown as Promise<Page>;

  before(async () => {
    server = await startTestServer();
    admin = server.client(server.liveAdminKey);
    for (let i = 1; i <= 10; i++) await admin.admin.apiKeys.create({ name: `Key ${i}`, mode: i % 2 ? 'live' : 'test' });
    all = (await admin.admin.apiKeys.list()).data.map((key) => key.id);
  });
  after(() => server.close());

  it('lists the two admin keys and ten workspace keys newest first', async () => {
    assert.equal(all.length, 12);
    assert.deepEqual(all, [...all].sort().reverse());
  });

  it('walks forward and backward with for await, limit 5', async () => {
    const forward: string[] = [];
    for await (const key of admin.admin.apiKeys.list({ limit: 5 })) forward.push(key.id);
    assert.deepEqual(forward, all);
    assert.deepEqual(await walkPages(list({ limit: 5 })), [pageOf(all.slice(0, 5), true), pageOf(all.slice(5, 10), true), pageOf(all.slice(10), false)]);

    const backward: string[] = [];
    for await (const key of admin.admin.apiKeys.list({ before_id: all[11], limit: 5 })) backward.push(key.id);
    assert.deepEqual(backward, [...all.slice(6, 11), ...all.slice(1, 6), all[0]]);
  });

  it('pages within a workspace filter', async () => {
    const workspace = await admin.admin.workspaces.create({});
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.unshift((await admin.admin.apiKeys.create({ name: `In ws ${i}`, workspace_id: workspace.id })).key_details.id);
    assert.deepEqual(await walkPages(list({ workspace_id: workspace.id, limit: 2 })), [pageOf(ids.slice(0, 2), true), pageOf(ids.slice(2), false)]);
    assert.deepEqual(await walkPages(list({ workspace_id: workspace.id, before_id: belowAll('key_'), limit: 2 })), [
      pageOf(ids.slice(1), true),
      pageOf(ids.slice(0, 1), false),
    ]);
  });
});
