import BetterSqlite3 from 'better-sqlite3';
import { newId } from '@boltz/shared';
import type { BenchContext } from '../context.ts';
import type { Scenario } from '../scenario.ts';

/**
 * The usage endpoint over a year of history (issue 3): 1,000,000 settled jobs in the ledger of
 * a real server's SQLite file, then `GET /compute/v1/admin/usage` for 365 days in DAY windows.
 * Goal: under 100 ms per query. One connection, so the latency is that of one query, not of a
 * queue of them.
 */
const LEDGER_ROWS = 1_000_000;
const WORKSPACES = 20;
const DAYS = 365;
const APPLICATIONS = ['structure_and_binding', 'adme', 'small_molecule_design', 'small_molecule_library_screen', 'protein_design', 'protein_redesign', 'protein_library_screen'];
const RANGE_END = Date.parse('2026-01-01T00:00:00.000Z');
const RANGE_START = RANGE_END - DAYS * 86_400_000;
const USAGE_GOAL = { maxP99Ms: 100 };

/**
 * Loads the ledger directly into the server's database file, day by day in settlement order as
 * a real ledger grows: each day is one transaction with its ledger rows (one prepared statement)
 * and that day's hourly and daily roll-up rows, summed here. Short transactions leave the write
 * lock free for the running server in between. Done once for both scenarios.
 */
let loaded: Promise<{ organizationId: string }> | undefined;

function loadLedger(context: BenchContext): Promise<{ organizationId: string }> {
  loaded ??= (async () => {
    const me = await context.client.auth.me();
    if (me.principal_type !== 'api_key') throw new Error('the benchmark runs with an API key');
    const workspaceIds = [context.defaultWorkspaceId];
    while (workspaceIds.length < WORKSPACES) workspaceIds.push((await context.client.admin.workspaces.create({ name: `usage ${workspaceIds.length}` })).id);

    const started = performance.now();
    const db = new BetterSqlite3(context.databaseFile);
    db.pragma('busy_timeout = 5000');
    const insertLedger = db.prepare(
      `insert into usage_ledger (id, organization_id, workspace_id, mode, application, job_id, quantity, cost_milli_usd, settled_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertHourly = db.prepare(
      `insert into usage_hourly (organization_id, workspace_id, mode, application, hour_start, quantity) values (?, ?, ?, ?, ?, ?)`,
    );
    const insertDaily = db.prepare(
      `insert into usage_daily (organization_id, workspace_id, mode, application, day_start, quantity, cost_milli_usd) values (?, ?, ?, ?, ?, ?, ?)`,
    );
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const settlementTimes = Float64Array.from({ length: LEDGER_ROWS }, () => RANGE_START + Math.floor(random() * (RANGE_END - RANGE_START))).sort();

    const loadDay = db.transaction((first: number, end: number) => {
      const hours = new Map<string, number>();
      const days = new Map<string, [number, number]>();
      for (let i = first; i < end; i++) {
        const settledAt = new Date(settlementTimes[i]).toISOString();
        const quantity = 1 + Math.floor(random() * 10);
        const group = [workspaceIds[Math.floor(random() * WORKSPACES)], random() < 0.9 ? 'live' : 'test', APPLICATIONS[Math.floor(random() * APPLICATIONS.length)]];
        const cost = quantity * 20;
        insertLedger.run(newId('usage_', settlementTimes[i]), me.organization_id, ...group, `sab_pred_bench${String(i).padStart(12, '0')}`, quantity, cost, settledAt);
        const hourKey = [...group, `${settledAt.slice(0, 13)}:00:00.000Z`].join(' ');
        hours.set(hourKey, (hours.get(hourKey) ?? 0) + quantity);
        const dayKey = [...group, `${settledAt.slice(0, 10)}T00:00:00.000Z`].join(' ');
        const day = days.get(dayKey) ?? [0, 0];
        days.set(dayKey, [day[0] + quantity, day[1] + cost]);
      }
      for (const [key, quantity] of hours) insertHourly.run(me.organization_id, ...key.split(' '), quantity);
      for (const [key, [quantity, cost]] of days) insertDaily.run(me.organization_id, ...key.split(' '), quantity, cost);
    });
    let first = 0;
    for (let dayEnd = RANGE_START + 86_400_000; dayEnd <= RANGE_END; dayEnd += 86_400_000) {
      let end = first;
      while (end < LEDGER_ROWS && settlementTimes[end] < dayEnd) end++;
      loadDay(first, end);
      first = end;
    }
    // A ledger that grew over a year sits in the database file, not in a write-ahead log.
    db.pragma('wal_checkpoint(TRUNCATE)');
    const counts = db
      .prepare(`select (select count(*) from usage_ledger) as ledger, (select count(*) from usage_hourly) as hourly, (select count(*) from usage_daily) as daily`)
      .get() as { ledger: number; hourly: number; daily: number };
    db.close();
    process.stderr.write(
      `  usage: ${counts.ledger} ledger rows, ${counts.hourly} hourly and ${counts.daily} daily roll-up rows loaded in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    return { organizationId: me.organization_id };
  })();
  return loaded;
}

function usagePath(query: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) for (const v of [value].flat()) params.append(key, v);
  return `/compute/v1/admin/usage?${params}`;
}

const YEAR = { starting_at: new Date(RANGE_START).toISOString(), ending_at: new Date(RANGE_END).toISOString(), window_size: 'DAY' };

/** Also reports what walking every page costs, since a grouped year does not fit in one page. */
async function timeAllPages(context: BenchContext, query: Parameters<BenchContext['client']['admin']['usage']['list']>[0]) {
  const started = performance.now();
  let buckets = 0;
  let total = 0;
  for await (const bucket of context.client.admin.usage.list(query)) {
    buckets++;
    total += bucket.quantity;
  }
  process.stderr.write(`  usage: all ${buckets} buckets (${total} units) through SDK auto-pagination in ${(performance.now() - started).toFixed(0)} ms\n`);
}

export const usageByWorkspaceAndApplication: Scenario = {
  name: 'GET /compute/v1/admin/usage (1M ledger rows, 365 d, DAY, by workspace+application, limit 1000)',
  connections: 1,
  goal: USAGE_GOAL,
  async prepare(context) {
    await loadLedger(context);
    const query = { ...YEAR, 'group_by[]': ['workspace_id', 'application'], limit: '1000' };
    await timeAllPages(context, { ...YEAR, window_size: 'DAY', 'group_by[]': ['workspace_id', 'application'], limit: 1000 });
    return { method: 'GET', path: usagePath(query), headers: { 'x-api-key': context.liveAdminKey } };
  },
};

export const usageTotalsPerDay: Scenario = {
  name: 'GET /compute/v1/admin/usage (1M ledger rows, 365 d, DAY, ungrouped)',
  connections: 1,
  goal: USAGE_GOAL,
  async prepare(context) {
    await loadLedger(context);
    return { method: 'GET', path: usagePath({ ...YEAR, limit: '1000' }), headers: { 'x-api-key': context.liveAdminKey } };
  },
};
