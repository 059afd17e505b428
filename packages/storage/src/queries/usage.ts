import { type Expression, type Insertable, type Kysely, sql, type SqlBool } from 'kysely';
import type { Database, UsageLedgerTable } from '../schema.ts';

export type UsageWindowSize = 'HOUR' | 'DAY';
export type UsageGroup = 'workspace_id' | 'application';

/** One page of usage buckets for one organization and mode (spec/API.md §5.3, decision e). */
export interface UsageBucketQuery {
  organizationId: string;
  mode: 'live' | 'test';
  windowSize: UsageWindowSize;
  /** First window start (inclusive, aligned to the window size) and range end (exclusive). */
  from: string;
  to: string;
  applications?: string[];
  workspaceIds?: string[];
  groupBy: UsageGroup[];
  /** The key of the last bucket already returned: `[start_time, workspace_id?, application?]`. */
  after?: string[];
  limit: number;
}

export interface UsageBucketRow {
  window_start: string;
  workspace_id?: string;
  application?: string;
  quantity: number;
}

const ROLLUP = {
  HOUR: { table: 'usage_hourly', column: 'hour_start' },
  DAY: { table: 'usage_daily', column: 'day_start' },
} as const;

/** `2026-04-08T18:56:46.123Z` → the start of its UTC hour or day, in the same fixed-width form. */
export function windowStart(timestamp: string, windowSize: UsageWindowSize): string {
  return windowSize === 'HOUR' ? `${timestamp.slice(0, 13)}:00:00.000Z` : `${timestamp.slice(0, 10)}T00:00:00.000Z`;
}

/** The start of the UTC day after the one containing `timestamp`. */
export function nextDayStart(timestamp: string): string {
  return new Date(Date.parse(windowStart(timestamp, 'DAY')) + 86_400_000).toISOString();
}

/** The usage ledger (one row per settlement: a prediction, or a batch of pipeline results) and its hourly and daily roll-ups. */
export class UsageStore {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Records a settlement and adds its quantity to the roll-ups, in the caller's transaction. The
   * ledger's unique (`job_id`, `batch`) makes a second settlement of the same batch a no-op (false).
   */
  async recordSettlement(entry: Insertable<UsageLedgerTable>): Promise<boolean> {
    const inserted = await this.db
      .insertInto('usage_ledger')
      .values(entry)
      .onConflict((oc) => oc.columns(['job_id', 'batch']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;

    const group = {
      organization_id: entry.organization_id,
      workspace_id: entry.workspace_id,
      mode: entry.mode,
      application: entry.application,
      quantity: entry.quantity,
    };
    const key = ['organization_id', 'mode', 'workspace_id', 'application'] as const;
    await this.db
      .insertInto('usage_hourly')
      .values({ ...group, hour_start: windowStart(entry.settled_at, 'HOUR') })
      .onConflict((oc) =>
        oc.columns([...key, 'hour_start']).doUpdateSet((eb) => ({ quantity: eb('usage_hourly.quantity', '+', eb.ref('excluded.quantity')) })),
      )
      .execute();
    await this.db
      .insertInto('usage_daily')
      .values({ ...group, day_start: windowStart(entry.settled_at, 'DAY'), cost_milli_usd: entry.cost_milli_usd })
      .onConflict((oc) =>
        oc.columns([...key, 'day_start']).doUpdateSet((eb) => ({
          quantity: eb('usage_daily.quantity', '+', eb.ref('excluded.quantity')),
          cost_milli_usd: eb('usage_daily.cost_milli_usd', '+', eb.ref('excluded.cost_milli_usd')),
        })),
      )
      .execute();
    return true;
  }

  /**
   * Buckets ordered by start, workspace, application, answered from the roll-up of the window
   * size. Paging is by key: the groups are the sort key, so "after the last bucket" is a filter
   * on roll-up rows, and a page costs the same however deep it is.
   */
  async listBuckets(query: UsageBucketQuery): Promise<UsageBucketRow[]> {
    const { table, column } = ROLLUP[query.windowSize];
    const keyColumns = [column, ...(['workspace_id', 'application'] as const).filter((g) => query.groupBy.includes(g))];
    // The two roll-ups differ only in the name of their window column, which Kysely's typed
    // builder cannot choose at run time: the query is built on an untyped view of them.
    const db = this.db as unknown as Kysely<Record<string, Record<string, string | number>>>;
    let q = db
      .selectFrom(table)
      .where('organization_id', '=', query.organizationId)
      .where('mode', '=', query.mode)
      .where(column, '>=', query.from)
      .where(column, '<', query.to);
    if (query.applications?.length) q = q.where('application', 'in', query.applications);
    if (query.workspaceIds?.length) q = q.where('workspace_id', 'in', query.workspaceIds);
    if (query.after) q = q.where(afterKey(keyColumns, query.after));
    let grouped = q
      .select(keyColumns.map((c) => sql.ref(c).as(c === column ? 'window_start' : c)))
      .select(sql<number>`sum(quantity)`.as('quantity'))
      .groupBy(keyColumns)
      .having(sql`sum(quantity)`, '>', 0);
    for (const c of keyColumns) grouped = grouped.orderBy(c);
    const rows = await grouped.limit(query.limit).execute();
    return rows.map((row) => ({ ...(row as unknown as UsageBucketRow), quantity: Number(row.quantity) }));
  }
}

/** `(c1, c2, …) > (v1, v2, …)` spelled out, which both dialects plan as an index range. */
function afterKey(columns: string[], values: string[]): Expression<SqlBool> {
  const [first, ...rest] = columns;
  const [value, ...restValues] = values;
  if (rest.length === 0) return sql<SqlBool>`${sql.ref(first)} > ${value}`;
  return sql<SqlBool>`(${sql.ref(first)} > ${value} or (${sql.ref(first)} = ${value} and ${afterKey(rest, restValues)}))`;
}
