import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BadRequestError, PermissionDeniedError } from 'boltz-api';
import BoltzComputeAPI from 'boltz-compute-api';
import type { UsageListParams, UsageListResponse } from 'boltz-api/resources/admin/usage';
import { settleJob, type Settlement } from '../../../billing/spending.ts';
import { createAdminKey, createOrganization } from '../../../bootstrap.ts';
import { rawRequest, startTestServer, type TestServer } from '../../../../test/harness.ts';

/**
 * GET /compute/v1/admin/usage (spec/API.md §5.3) through the official SDK, over usage settled the
 * way the job runner settles it (billing/spending.ts settleJob).
 */
describe('admin.usage.list', () => {
  let server: TestServer;
  let ws1: string;
  let ws2: string;
  let jobCounter = 0;

  async function settle(settlement: Omit<Settlement, 'jobId' | 'organizationId' | 'costMilliUsd' | 'now'> & { at: string; jobId?: string }) {
    const { at, ...rest } = settlement;
    return server.storage.transaction((trx) =>
      settleJob(trx, {
        jobId: `sab_pred_usage${String(++jobCounter).padStart(8, '0')}`,
        organizationId: server.organizationId,
        costMilliUsd: 20 * settlement.quantity,
        now: new Date(at),
        ...rest,
      }),
    );
  }

  async function listAll(apiKey: string, params: UsageListParams): Promise<UsageListResponse[]> {
    const buckets: UsageListResponse[] = [];
    for await (const bucket of server.client(apiKey).admin.usage.list(params)) buckets.push(bucket);
    return buckets;
  }

  // Ids are base62 in ASCII order (spec/API.md §7.7): compare code points, not locale rules.
  const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const MARCH = { starting_at: '2026-03-01T00:00:00Z', ending_at: '2026-03-03T00:00:00Z' };

  before(async () => {
    server = await startTestServer();
    ws1 = server.defaultWorkspaceId;
    ws2 = (await server.client(server.liveAdminKey).admin.workspaces.create({ name: 'second' })).id;
    await settle({ workspaceId: ws1, mode: 'live', application: 'structure_and_binding', quantity: 5, at: '2026-03-01T10:15:00.000Z' });
    await settle({ workspaceId: ws1, mode: 'live', application: 'adme', quantity: 3, at: '2026-03-01T10:45:00.000Z' });
    await settle({ workspaceId: ws2, mode: 'live', application: 'adme', quantity: 7, at: '2026-03-01T11:05:00.000Z' });
    await settle({ workspaceId: ws2, mode: 'live', application: 'structure_and_binding', quantity: 2, at: '2026-03-02T00:30:00.000Z' });
    await settle({ workspaceId: ws1, mode: 'live', application: 'adme', quantity: 4, at: '2026-03-02T23:59:59.999Z' });
    await settle({ workspaceId: ws1, mode: 'test', application: 'adme', quantity: 100, at: '2026-03-01T10:20:00.000Z' });
  });
  after(() => server.close());

  it('sums settled quantities into UTC hour windows, without group keys when not grouped', async () => {
    const buckets = await listAll(server.liveAdminKey, { ...MARCH, window_size: 'HOUR' });
    assert.deepEqual(buckets, [
      { start_time: '2026-03-01T10:00:00.000Z', end_time: '2026-03-01T11:00:00.000Z', quantity: 8 },
      { start_time: '2026-03-01T11:00:00.000Z', end_time: '2026-03-01T12:00:00.000Z', quantity: 7 },
      { start_time: '2026-03-02T00:00:00.000Z', end_time: '2026-03-02T01:00:00.000Z', quantity: 2 },
      { start_time: '2026-03-02T23:00:00.000Z', end_time: '2026-03-03T00:00:00.000Z', quantity: 4 },
    ]);
  });

  it('groups DAY windows by workspace and application, ordered by start, workspace, application', async () => {
    const buckets = await listAll(server.liveAdminKey, { ...MARCH, window_size: 'DAY', 'group_by[]': ['application', 'workspace_id'] });
    const day1 = { start_time: '2026-03-01T00:00:00.000Z', end_time: '2026-03-02T00:00:00.000Z' };
    const day2 = { start_time: '2026-03-02T00:00:00.000Z', end_time: '2026-03-03T00:00:00.000Z' };
    const expected = [
      { ...day1, workspace_id: ws1, application: 'adme', quantity: 3 },
      { ...day1, workspace_id: ws1, application: 'structure_and_binding', quantity: 5 },
      { ...day1, workspace_id: ws2, application: 'adme', quantity: 7 },
      { ...day2, workspace_id: ws1, application: 'adme', quantity: 4 },
      { ...day2, workspace_id: ws2, application: 'structure_and_binding', quantity: 2 },
    ].sort((a, b) => byCode(a.start_time, b.start_time) || byCode(a.workspace_id, b.workspace_id) || byCode(a.application, b.application));
    assert.deepEqual(buckets, expected);
    const total = buckets.reduce((sum, bucket) => sum + bucket.quantity, 0);
    assert.equal(total, 5 + 3 + 7 + 2 + 4, 'buckets add up to the settled quantities');
  });

  it('has only the grouped key when grouped by one dimension (a single group_by[] value)', async () => {
    const byApplication = await listAll(server.liveAdminKey, { ...MARCH, window_size: 'DAY', 'group_by[]': 'application' });
    assert.deepEqual(
      byApplication.map((b) => Object.keys(b).sort()),
      byApplication.map(() => ['application', 'end_time', 'quantity', 'start_time']),
    );
    assert.deepEqual(
      byApplication.map((b) => [b.start_time.slice(0, 10), b.application, b.quantity]),
      [
        ['2026-03-01', 'adme', 10],
        ['2026-03-01', 'structure_and_binding', 5],
        ['2026-03-02', 'adme', 4],
        ['2026-03-02', 'structure_and_binding', 2],
      ],
    );
  });

  it('filters by applications[] and workspace_ids[]', async () => {
    const adme = await listAll(server.liveAdminKey, { ...MARCH, window_size: 'DAY', 'applications[]': 'adme' });
    assert.deepEqual(adme.map((b) => b.quantity), [10, 4]);
    const ws2Only = await listAll(server.liveAdminKey, { ...MARCH, window_size: 'DAY', 'workspace_ids[]': [ws2], 'group_by[]': ['workspace_id'] });
    assert.deepEqual(ws2Only.map((b) => [b.workspace_id, b.quantity]), [[ws2, 7], [ws2, 2]]);
    const both = await listAll(server.liveAdminKey, {
      ...MARCH,
      window_size: 'DAY',
      'workspace_ids[]': [ws1, ws2],
      'applications[]': ['structure_and_binding', 'protein_design'],
    });
    assert.deepEqual(both.map((b) => b.quantity), [5, 2]);
  });

  it('accepts plain repeated keys as well as the bracketed ones', async () => {
    const query = `starting_at=${MARCH.starting_at}&ending_at=${MARCH.ending_at}&window_size=DAY&applications=adme&applications=structure_and_binding&group_by=application`;
    const response = await rawRequest(server, 'GET', `/compute/v1/admin/usage?${query}`, { apiKey: server.liveAdminKey });
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.data.length, 4);
    assert.equal(response.body.has_more, false);
    assert.equal(response.body.next_page, null);
  });

  it('answers the predecessor SDK, which joins array parameters with commas', async () => {
    const legacy = new BoltzComputeAPI({ apiKey: server.liveAdminKey, baseURL: server.baseURL, maxRetries: 0, logLevel: 'off' });
    const params = {
      ...MARCH,
      window_size: 'DAY' as const,
      'group_by[]': ['workspace_id' as const, 'application' as const],
      'applications[]': ['structure_and_binding' as const, 'protein_design' as const],
    };
    const buckets: unknown[] = [];
    for await (const bucket of legacy.admin.usage.list({ ...params, limit: 1 })) buckets.push(bucket);
    // 0.14's bucket type names the count `num_requests`; this server speaks 0.57's `quantity` (§5.3).
    assert.deepEqual(buckets, await listAll(server.liveAdminKey, params));
    assert.deepEqual((buckets as UsageListResponse[]).map((b) => [b.application, b.quantity]), [['structure_and_binding', 5], ['structure_and_binding', 2]]);
  });

  it('counts only the caller\'s mode (decision e)', async () => {
    const test = await listAll(server.testAdminKey, { ...MARCH, window_size: 'HOUR', 'group_by[]': ['workspace_id', 'application'] });
    assert.deepEqual(test, [
      { start_time: '2026-03-01T10:00:00.000Z', end_time: '2026-03-01T11:00:00.000Z', workspace_id: ws1, application: 'adme', quantity: 100 },
    ]);
  });

  it('includes the window that contains starting_at and excludes ending_at', async () => {
    const buckets = await listAll(server.liveAdminKey, { starting_at: '2026-03-01T10:30:00+00:00', ending_at: '2026-03-01T11:00:00Z', window_size: 'HOUR' });
    assert.deepEqual(buckets.map((b) => [b.start_time, b.quantity]), [['2026-03-01T10:00:00.000Z', 8]]);
    // Offsets are honoured: 12:00+01:00 is 11:00Z.
    const offset = await listAll(server.liveAdminKey, { starting_at: '2026-03-01T12:00:00+01:00', ending_at: '2026-03-01T13:00:00+01:00', window_size: 'HOUR' });
    assert.deepEqual(offset.map((b) => [b.start_time, b.quantity]), [['2026-03-01T11:00:00.000Z', 7]]);
  });

  it('pages with an opaque cursor that the SDK follows to the end', async () => {
    const params = { ...MARCH, window_size: 'HOUR' as const, 'group_by[]': ['workspace_id' as const, 'application' as const] };
    const all = await listAll(server.liveAdminKey, params);
    assert.equal(all.length, 5);
    const first = await server.client(server.liveAdminKey).admin.usage.list({ ...params, limit: 2 });
    assert.equal(first.data.length, 2);
    assert.equal(first.has_more, true);
    assert.ok(first.next_page);
    const pagedOneByOne = await listAll(server.liveAdminKey, { ...params, limit: 1 });
    assert.deepEqual(pagedOneByOne, all);
    const last = await server.client(server.liveAdminKey).admin.usage.list({ ...params, limit: 5 });
    assert.equal(last.has_more, false);
    assert.equal(last.next_page, null);
  });

  it('refuses a tampered page, or a page of another query or mode, with 400', async () => {
    const params = { ...MARCH, window_size: 'HOUR' as const, limit: 1 };
    const { next_page } = await server.client(server.liveAdminKey).admin.usage.list(params);
    assert.ok(next_page);
    const [payload, mac] = next_page.split('.');
    const forged = Buffer.from(JSON.stringify(['2026-03-02T00:00:00.000Z'])).toString('base64url');
    for (const page of [`${forged}.${mac}`, `${payload}.${mac.slice(0, -2)}AA`, 'garbage', `${payload}`]) {
      const error = await server.client(server.liveAdminKey).admin.usage.list({ ...params, page }).catch((e) => e);
      assert.ok(error instanceof BadRequestError, `page ${page}: ${error}`);
      const body = error.error as { code: string; details: Record<string, string> };
      assert.equal(body.code, 'VALIDATION_ERROR');
      assert.ok(body.details.page);
    }
    const otherQuery = await server.client(server.liveAdminKey).admin.usage.list({ ...params, 'applications[]': 'adme', page: next_page }).catch((e) => e);
    assert.ok(otherQuery instanceof BadRequestError);
    const otherMode = await server.client(server.testAdminKey).admin.usage.list({ ...params, page: next_page }).catch((e) => e);
    assert.ok(otherMode instanceof BadRequestError);
  });

  it('validates the time range and window size with 400 and details', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ ending_at: MARCH.ending_at, window_size: 'DAY' }, 'starting_at'],
      [{ starting_at: MARCH.starting_at, window_size: 'DAY' }, 'ending_at'],
      [{ ...MARCH }, 'window_size'],
      [{ ...MARCH, window_size: 'WEEK' }, 'window_size'],
      [{ starting_at: '2026-03-01T00:00:00', ending_at: MARCH.ending_at, window_size: 'DAY' }, 'starting_at'],
      [{ starting_at: 'yesterday', ending_at: MARCH.ending_at, window_size: 'DAY' }, 'starting_at'],
      [{ starting_at: '2026-03-01T00:00:00+01', ending_at: MARCH.ending_at, window_size: 'DAY' }, 'starting_at'],
      [{ starting_at: '2026-02-30T00:00:00Z', ending_at: MARCH.ending_at, window_size: 'DAY' }, 'starting_at'],
      [{ starting_at: MARCH.ending_at, ending_at: MARCH.starting_at, window_size: 'DAY' }, 'ending_at'],
      [{ starting_at: MARCH.starting_at, ending_at: MARCH.starting_at, window_size: 'DAY' }, 'ending_at'],
      [{ starting_at: '2026-01-01T00:00:00Z', ending_at: '2026-02-01T00:00:01Z', window_size: 'HOUR' }, 'ending_at'],
      [{ starting_at: '2025-01-01T00:00:00Z', ending_at: '2026-01-01T00:00:01Z', window_size: 'DAY' }, 'ending_at'],
      [{ ...MARCH, window_size: 'DAY', 'applications[]': 'chess' }, 'applications[0]'],
      [{ ...MARCH, window_size: 'DAY', 'group_by[]': 'organization' }, 'group_by[0]'],
      [{ ...MARCH, window_size: 'DAY', limit: '0' }, 'limit'],
      [{ ...MARCH, window_size: 'DAY', limit: '1001' }, 'limit'],
      [{ ...MARCH, window_size: 'DAY', colour: 'blue' }, 'colour'],
    ];
    for (const [query, field] of cases) {
      const response = await rawRequest(server, 'GET', `/compute/v1/admin/usage?${new URLSearchParams(query)}`, { apiKey: server.liveAdminKey });
      assert.equal(response.status, 400, `${JSON.stringify(query)}: ${response.text}`);
      assert.equal(response.body.code, 'VALIDATION_ERROR');
      assert.ok(response.body.details?.[field], `${JSON.stringify(query)} should name ${field}: ${response.text}`);
    }
    // The limits themselves are allowed.
    for (const [window_size, days] of [['HOUR', 31], ['DAY', 365]] as const) {
      const ending = new Date(Date.parse('2026-01-01T00:00:00Z') + days * 86_400_000).toISOString();
      const ok = await server.client(server.liveAdminKey).admin.usage.list({ starting_at: '2026-01-01T00:00:00Z', ending_at: ending, window_size });
      assert.equal(ok.has_more, false);
    }
  });

  it('keeps organizations apart: their own usage only, and no use of each other\'s pages', async () => {
    const { organizationId, defaultWorkspaceId: workspaceId } = await createOrganization(server.storage, 'Other organization');
    const other = await createAdminKey(server.storage, { organizationId, mode: 'live' });
    await server.storage.transaction((trx) =>
      settleJob(trx, { jobId: 'adme_pred_otherOrganization0', organizationId, workspaceId, mode: 'live', application: 'adme', quantity: 11, costMilliUsd: 110, now: new Date('2026-03-01T10:30:00.000Z') }),
    );
    const params = { ...MARCH, window_size: 'HOUR' as const, 'group_by[]': ['workspace_id' as const] };
    assert.deepEqual(await listAll(other.key, params), [
      { start_time: '2026-03-01T10:00:00.000Z', end_time: '2026-03-01T11:00:00.000Z', workspace_id: workspaceId, quantity: 11 },
    ]);
    // Filtering by another organization's workspace finds nothing.
    assert.deepEqual(await listAll(server.liveAdminKey, { ...params, 'workspace_ids[]': workspaceId }), []);
    const { next_page } = await server.client(server.liveAdminKey).admin.usage.list({ ...params, limit: 1 });
    assert.ok(next_page);
    const error = await server.client(other.key).admin.usage.list({ ...params, limit: 1, page: next_page }).catch((e) => e);
    assert.ok(error instanceof BadRequestError, String(error));
  });

  it('is for admins only', async () => {
    const { key } = await server.client(server.liveAdminKey).admin.apiKeys.create({ name: 'workspace key', workspace_id: ws1 });
    const error = await server.client(key).admin.usage.list({ ...MARCH, window_size: 'DAY' }).catch((e) => e);
    assert.ok(error instanceof PermissionDeniedError, String(error));
    const anonymous = await rawRequest(server, 'GET', `/compute/v1/admin/usage?${new URLSearchParams({ ...MARCH, window_size: 'DAY' })}`);
    assert.equal(anonymous.status, 401);
  });

  it('counts a job settled twice once', async () => {
    const jobId = 'adme_pred_settledTwice00000000';
    const at = '2026-04-01T12:00:00.000Z';
    assert.equal(await settle({ jobId, workspaceId: ws2, mode: 'live', application: 'adme', quantity: 6, at }), true);
    assert.equal(await settle({ jobId, workspaceId: ws2, mode: 'live', application: 'adme', quantity: 6, at }), false);
    for (const window_size of ['HOUR', 'DAY'] as const) {
      const buckets = await listAll(server.liveAdminKey, { starting_at: '2026-04-01T00:00:00Z', ending_at: '2026-04-02T00:00:00Z', window_size });
      assert.deepEqual(buckets.map((b) => b.quantity), [6], window_size);
    }
  });
});
