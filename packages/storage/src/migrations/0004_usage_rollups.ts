import { type Kysely, sql } from 'kysely';

/**
 * Usage roll-ups (spec/API.md §5.3): the usage endpoint answers from these, never from the raw
 * ledger, so that it stays fast with millions of settled jobs. Each settlement increments one
 * hourly and one daily row in the ledger-insert transaction. Daily rows exist because a 365-day
 * query over hourly rows still reads up to 24 times more rows than it returns.
 *
 * Also: a covering index for the spending-limit check (live cost settled since tracking started).
 */
const ROLLUPS = [
  { table: 'usage_hourly', windowColumn: 'hour_start' },
  { table: 'usage_daily', windowColumn: 'day_start' },
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const { table, windowColumn } of ROLLUPS) {
    await db.schema
      .createTable(table)
      .addColumn('organization_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('workspace_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('mode', 'varchar(8)', (c) => c.notNull())
      .addColumn('application', 'varchar(64)', (c) => c.notNull())
      .addColumn(windowColumn, 'varchar(32)', (c) => c.notNull())
      .addColumn('quantity', 'bigint', (c) => c.notNull())
      // Key order follows the query: one organization and mode, a time range, then the groups.
      .addPrimaryKeyConstraint(`${table}_pk`, ['organization_id', 'mode', windowColumn, 'workspace_id', 'application'])
      .execute();
    // The key plus the quantity: usage queries read this index alone, never the table (SQLite
    // and PostgreSQL index-only scans), which halves the time of a year of daily rows.
    await db.schema
      .createIndex(`${table}_covering`)
      .on(table)
      .columns(['organization_id', 'mode', windowColumn, 'workspace_id', 'application', 'quantity'])
      .execute();
  }

  await db.schema
    .createIndex('usage_ledger_spend')
    .on('usage_ledger')
    .columns(['workspace_id', 'mode', 'settled_at', 'cost_milli_usd'])
    .execute();
  await db.schema.dropIndex('usage_ledger_workspace_settled').execute();

  // Roll up whatever was settled before this migration.
  for (const { table, windowColumn } of ROLLUPS) {
    const width = windowColumn === 'hour_start' ? 13 : 10; // 'YYYY-MM-DDTHH' | 'YYYY-MM-DD'
    const suffix = windowColumn === 'hour_start' ? ':00:00.000Z' : 'T00:00:00.000Z';
    await sql`
      insert into ${sql.table(table)} (organization_id, workspace_id, mode, application, ${sql.ref(windowColumn)}, quantity)
      select organization_id, workspace_id, mode, application, substr(settled_at, 1, ${sql.lit(width)}) || ${suffix}, sum(quantity)
      from usage_ledger
      group by organization_id, workspace_id, mode, application, substr(settled_at, 1, ${sql.lit(width)})
    `.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('usage_ledger_workspace_settled')
    .on('usage_ledger')
    .columns(['workspace_id', 'mode', 'settled_at'])
    .execute();
  await db.schema.dropIndex('usage_ledger_spend').execute();
  for (const { table } of ROLLUPS) await db.schema.dropTable(table).execute();
}
