import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Spending-limit checks answered from the daily roll-up (spec/API.md §5.1): the live cost a
 * workspace accrued since its limit was set is the ledger rows of the first (partial) day plus
 * one `usage_daily` row per later day and application. A check then reads at most a day of
 * ledger rows, however many jobs the workspace has settled, and it runs under the spending
 * lock on every live start.
 *
 * Also, on PostgreSQL: the usage buckets are ordered by workspace id and application name in
 * code-point order, as migration 0006 does for paginated ids.
 */
const ROLLUPS = ['usage_hourly', 'usage_daily'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('usage_daily').addColumn('cost_milli_usd', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await sql`
    update usage_daily set cost_milli_usd = (
      select coalesce(sum(l.cost_milli_usd), 0) from usage_ledger l
      where l.organization_id = usage_daily.organization_id and l.workspace_id = usage_daily.workspace_id
        and l.mode = usage_daily.mode and l.application = usage_daily.application
        and substr(l.settled_at, 1, 10) || 'T00:00:00.000Z' = usage_daily.day_start)
  `.execute(db);
  await db.schema
    .createIndex('usage_daily_spend')
    .on('usage_daily')
    .columns(['workspace_id', 'mode', 'day_start', 'cost_milli_usd'])
    .execute();

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    for (const table of ROLLUPS) {
      await sql`alter table ${sql.table(table)} alter column workspace_id type varchar(64) collate "C", alter column application type varchar(64) collate "C"`.execute(db);
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    for (const table of ROLLUPS) {
      await sql`alter table ${sql.table(table)} alter column workspace_id type varchar(64) collate "default", alter column application type varchar(64) collate "default"`.execute(db);
    }
  }
  await db.schema.dropIndex('usage_daily_spend').execute();
  await db.schema.alterTable('usage_daily').dropColumn('cost_milli_usd').execute();
}
