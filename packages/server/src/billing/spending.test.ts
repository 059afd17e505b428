import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type Boltz from 'boltz-api';
import { UnprocessableEntityError } from 'boltz-api';
import { bootstrapIfEmpty } from '../bootstrap.ts';
import { loadConfig } from '../config.ts';
import { ApiError } from '../errors.ts';
import { openTestDatabase, rawRequest, startTestServer, type TestDatabase, type TestServer } from '../../test/harness.ts';
import { releaseSpend, reserveSpend, setSpendingLimit, settleJob, type Settlement } from './spending.ts';
import type { RaceOrder } from './spending-race-competitor.ts';

/**
 * Spending limits (spec/API.md §5.1, decision b): money reserved at start, settled at completion,
 * released on failure, read back through GET/PUT spending-limit with the official SDK.
 */
const UNLIMITED = 9007199254740991;
let jobCounter = 0;
const nextJobId = () => `sab_pred_spend${String(++jobCounter).padStart(10, '0')}`;

describe('spending limits', () => {
  let server: TestServer;
  let admin: Boltz;

  const reserve = (workspaceId: string, amountMilliUsd: number, options: { jobId?: string; mode?: 'live' | 'test' } = {}) =>
    server.storage.transaction((trx) =>
      reserveSpend(trx, {
        jobId: options.jobId ?? nextJobId(),
        organizationId: server.organizationId,
        workspaceId,
        mode: options.mode ?? 'live',
        amountMilliUsd,
        now: new Date(),
      }),
    );
  const settle = (settlement: Partial<Settlement> & Pick<Settlement, 'jobId' | 'workspaceId' | 'costMilliUsd'>) =>
    server.storage.transaction((trx) =>
      settleJob(trx, { organizationId: server.organizationId, mode: 'live', application: 'structure_and_binding', quantity: 1, now: new Date(), ...settlement }),
    );
  const release = (jobId: string) => server.storage.transaction((trx) => releaseSpend(trx, jobId));
  const setLimit = (workspaceId: string, amount: number) =>
    admin.admin.workspaces.setSpendingLimit(workspaceId, { type: 'lifetime', limit: { amount, currency: 'MILLI_USD' } });
  const accrued = async (workspaceId: string) => (await admin.admin.workspaces.retrieveSpendingLimit(workspaceId))?.accrued_usage.amount;
  const reservationCount = async (workspaceId: string) =>
    (await server.storage.db.selectFrom('spending_reservations').select('job_id').where('workspace_id', '=', workspaceId).execute()).length;

  before(async () => {
    server = await startTestServer();
    admin = server.client(server.liveAdminKey);
  });
  after(() => server.close());

  it('lets exactly the affordable share of 100 concurrent reservations through', async () => {
    const workspace = await admin.admin.workspaces.create({ name: 'race' });
    await setLimit(workspace.id, 1000);
    const outcomes = await Promise.allSettled(Array.from({ length: 100 }, () => reserve(workspace.id, 100)));
    const accepted = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason);
    assert.equal(accepted.length, 10);
    assert.equal(refused.length, 90);
    for (const error of refused) {
      assert.ok(error instanceof ApiError, String(error));
      assert.equal(error.statusCode, 402);
      assert.equal(error.code, 'spending_limit_exceeded');
      assert.equal(error.headers['x-should-retry'], 'false');
    }
    assert.equal(await reservationCount(workspace.id), 10);
    // Reserved is not accrued: only settled work shows in accrued_usage.
    assert.equal(await accrued(workspace.id), 0);
  });

  it('never blocks a workspace without a limit or with the unlimited sentinel, nor test-mode work', async () => {
    const free = await admin.admin.workspaces.create({});
    const unlimited = await admin.admin.workspaces.create({});
    await setLimit(unlimited.id, UNLIMITED);
    await Promise.all(Array.from({ length: 5 }, () => reserve(free.id, 2 ** 50)));
    await Promise.all(Array.from({ length: 5 }, () => reserve(unlimited.id, 2 ** 50)));
    assert.equal(await reservationCount(unlimited.id), 5);

    const capped = await admin.admin.workspaces.create({});
    await setLimit(capped.id, 0);
    await reserve(capped.id, 1_000_000, { mode: 'test' });
    assert.equal(await reservationCount(capped.id), 0, 'test mode reserves nothing');
    await assert.rejects(reserve(capped.id, 1), (e: ApiError) => e.code === 'spending_limit_exceeded');
    await reserve(capped.id, 0);
  });

  it('moves cost from reserved to accrued at settlement, and frees it on release', async () => {
    const workspace = await admin.admin.workspaces.create({});
    await setLimit(workspace.id, 1000);
    const [a, b, c] = [nextJobId(), nextJobId(), nextJobId()];
    await reserve(workspace.id, 400, { jobId: a });
    await reserve(workspace.id, 400, { jobId: b });
    await assert.rejects(reserve(workspace.id, 400, { jobId: c }), (e: ApiError) => e.statusCode === 402);

    // The charge may be below the reservation (pipelines pay for what they produced).
    assert.equal(await settle({ jobId: a, workspaceId: workspace.id, costMilliUsd: 300 }), true);
    assert.equal(await accrued(workspace.id), 300);
    assert.equal(await reservationCount(workspace.id), 1);
    // 300 accrued + 400 reserved + 400 > 1000 still.
    await assert.rejects(reserve(workspace.id, 400, { jobId: c }), (e: ApiError) => e.statusCode === 402);
    await release(b);
    await reserve(workspace.id, 400, { jobId: c });

    // A second settlement of the same job changes nothing.
    assert.equal(await settle({ jobId: a, workspaceId: workspace.id, costMilliUsd: 300 }), false);
    assert.equal(await accrued(workspace.id), 300);
  });

  it('counts only live usage settled since the limit was first set', async () => {
    const workspace = await admin.admin.workspaces.create({});
    await settle({ jobId: nextJobId(), workspaceId: workspace.id, costMilliUsd: 5000 });
    await setLimit(workspace.id, 2000);
    await settle({ jobId: nextJobId(), workspaceId: workspace.id, costMilliUsd: 250 });
    await settle({ jobId: nextJobId(), workspaceId: workspace.id, costMilliUsd: 900, mode: 'test' });
    assert.equal(await accrued(workspace.id), 250);
    const testLedger = await server.storage.db.selectFrom('usage_ledger').select('cost_milli_usd').where('workspace_id', '=', workspace.id).where('mode', '=', 'test').execute();
    assert.deepEqual(testLedger, [{ cost_milli_usd: 0 }], 'test-mode work is recorded at no cost');
    // Replacing the limit keeps the tracking start.
    await setLimit(workspace.id, 3000);
    assert.equal(await accrued(workspace.id), 250);
  });

  it('accrues later days from the daily roll-up, and refuses starts against it', async () => {
    const workspace = await admin.admin.workspaces.create({});
    await setLimit(workspace.id, 1000);
    const day = 86_400_000;
    const later = (days: number) => new Date(Date.now() + days * day);
    await settle({ jobId: nextJobId(), workspaceId: workspace.id, costMilliUsd: 100 });
    await settle({ jobId: nextJobId(), workspaceId: workspace.id, costMilliUsd: 200, now: later(1) });
    await settle({ jobId: nextJobId(), workspaceId: workspace.id, costMilliUsd: 300, now: later(3) });
    await settle({ jobId: nextJobId(), workspaceId: workspace.id, costMilliUsd: 50, now: later(3), application: 'adme' });
    await settle({ jobId: nextJobId(), workspaceId: workspace.id, costMilliUsd: 999, now: later(2), mode: 'test' });
    assert.equal(await accrued(workspace.id), 650);
    await assert.rejects(reserve(workspace.id, 351), (e: ApiError) => e.code === 'spending_limit_exceeded');
    await reserve(workspace.id, 350);
  });

  it('refuses a limit below accrued plus reserved with 422 on limit.amount, and writes nothing', async () => {
    const workspace = await admin.admin.workspaces.create({});
    const reserved = nextJobId();
    await reserve(workspace.id, 700);
    // Even a first limit must cover work already reserved: it will settle under the limit.
    let error = await setLimit(workspace.id, 699).catch((e) => e);
    assert.ok(error instanceof UnprocessableEntityError, String(error));
    assert.equal(await admin.admin.workspaces.retrieveSpendingLimit(workspace.id), null);

    await setLimit(workspace.id, 1000);
    await reserve(workspace.id, 100, { jobId: reserved });
    await settle({ jobId: reserved, workspaceId: workspace.id, costMilliUsd: 100 });
    error = await setLimit(workspace.id, 799).catch((e) => e);
    assert.ok(error instanceof UnprocessableEntityError, String(error));
    const body = error.error as { code: string; details: Record<string, string> };
    assert.equal(body.code, 'VALIDATION_ERROR');
    assert.match(body.details['limit.amount'], /800/);
    assert.equal((await admin.admin.workspaces.retrieveSpendingLimit(workspace.id))?.limit.amount, 1000);
    assert.deepEqual(await setLimit(workspace.id, 800), {
      type: 'lifetime',
      limit: { amount: 800, currency: 'MILLI_USD' },
      accrued_usage: { amount: 100, currency: 'MILLI_USD' },
    });
  });

  it('lets a workspace key read its own accrued usage', async () => {
    const workspace = await admin.admin.workspaces.create({});
    await setLimit(workspace.id, 500);
    await settle({ jobId: nextJobId(), workspaceId: workspace.id, costMilliUsd: 120 });
    const { key } = await admin.admin.apiKeys.create({ name: 'reader', workspace_id: workspace.id });
    const response = await rawRequest(server, 'GET', `/compute/v1/admin/workspaces/${workspace.id}/spending-limit`, { apiKey: key });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.accrued_usage, { amount: 120, currency: 'MILLI_USD' });
  });
});

describe('spending limits under concurrent connections', () => {
  let database: TestDatabase;
  let organizationId: string;
  let workspaceId: string;

  before(async () => {
    database = await openTestDatabase();
    const keys = await bootstrapIfEmpty(database.storage, loadConfig({ LOG_LEVEL: 'silent' }));
    organizationId = keys![0].organizationId;
    workspaceId = (await database.storage.workspaces.findDefault({ organizationId }))!.id;
  });
  after(() => database.dispose());

  async function race(order: RaceOrder): Promise<{ accepted: number; refused: number; failures: string[] }> {
    const competitor = fileURLToPath(new URL('./spending-race-competitor.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', competitor, JSON.stringify(order)]);
    return JSON.parse(stdout);
  }

  // Four processes (four SQLite connections to one file, or four PostgreSQL pools) compete: the
  // spending lock must serialise them across connections, not only inside one process.
  it('accepts exactly 10 of 100 reservations spread over 4 processes', async () => {
    await setSpendingLimit(database.storage, workspaceId, 1000, new Date());
    const results = await Promise.all(
      [0, 1, 2, 3].map((n) =>
        race({ url: database.url, schema: database.schema, organizationId, workspaceId, jobPrefix: `sab_pred_race${n}_`, count: 25, amountMilliUsd: 100 }),
      ),
    );
    assert.deepEqual(results.flatMap((r) => r.failures), []);
    assert.equal(results.reduce((sum, r) => sum + r.accepted, 0), 10);
    assert.equal(results.reduce((sum, r) => sum + r.refused, 0), 90);
    const rows = await database.storage.db.selectFrom('spending_reservations').select('job_id').where('workspace_id', '=', workspaceId).execute();
    assert.equal(rows.length, 10);
  });
});
