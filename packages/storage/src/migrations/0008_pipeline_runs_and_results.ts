import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Pipelines (spec/API.md §7.2, §10): long-running jobs that stop and resume, stream result rows
 * and are billed per result.
 *
 * - `prediction_jobs` becomes `jobs`: the one job table (and queue) of every family. New columns:
 *   `progress` (the family's progress object, JSON), `checkpoint` (what an engine needs to
 *   continue after a stop or a crash, JSON), `result_count` (results committed so far; the next
 *   result's sequence number), `settled_units` (units billed so far), `unit_cost_milli_usd` (the
 *   price of one unit, fixed at start) and `stopped_at`.
 * - `job_results`: the result rows, one per produced result, unique per (job, sequence number)
 *   so that a batch committed twice (a runner that lost its lease) cannot duplicate a row. Pages
 *   are read by (job_id, id), which costs the same for the millionth row as for the first.
 * - `usage_ledger` gets a `batch` column: a pipeline settles one ledger row per committed batch
 *   of results, so the uniqueness that made a settlement idempotent moves from `job_id` to
 *   (`job_id`, `batch`). SQLite cannot drop a column's UNIQUE constraint, so the table is rebuilt.
 */
const INDEXES = ['idempotency', 'listing', 'claiming', 'expiry'];

async function createJobIndexes(db: Kysely<unknown>, table: string): Promise<void> {
  // Decision (a): a key is remembered per (organization, workspace, mode, family).
  await db.schema.createIndex(`${table}_idempotency`).on(table).columns(['organization_id', 'workspace_id', 'mode', 'kind', 'idempotency_key']).unique().execute();
  await db.schema.createIndex(`${table}_listing`).on(table).columns(['workspace_id', 'mode', 'kind', 'id']).execute();
  await db.schema.createIndex(`${table}_claiming`).on(table).columns(['status', 'run_after']).execute();
  await db.schema.createIndex(`${table}_expiry`).on(table).columns(['expires_at']).execute();
}

async function rebuildLedger(db: Kysely<unknown>, withBatch: boolean): Promise<void> {
  await db.schema.alterTable('usage_ledger').renameTo('usage_ledger_old').execute();
  await db.schema.dropIndex('usage_ledger_spend').execute();
  let table = db.schema
    .createTable('usage_ledger')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('organization_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('workspace_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('mode', 'varchar(8)', (c) => c.notNull())
    .addColumn('application', 'varchar(64)', (c) => c.notNull())
    .addColumn('job_id', 'varchar(64)', (c) => (withBatch ? c.notNull() : c.notNull().unique()))
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('cost_milli_usd', 'bigint', (c) => c.notNull())
    .addColumn('settled_at', 'varchar(32)', (c) => c.notNull());
  if (withBatch) {
    table = table.addColumn('batch', 'integer', (c) => c.notNull().defaultTo(0)).addUniqueConstraint('usage_ledger_job_batch', ['job_id', 'batch']);
  }
  await table.execute();
  const columns = sql.raw('id, organization_id, workspace_id, mode, application, job_id, quantity, cost_milli_usd, settled_at');
  // Going down, a pipeline's batches collapse into one row per job (the old uniqueness).
  await (withBatch
    ? sql`insert into usage_ledger (${columns}) select ${columns} from usage_ledger_old`
    : sql`insert into usage_ledger (${columns})
          select min(id), min(organization_id), min(workspace_id), min(mode), min(application), job_id,
                 sum(quantity), sum(cost_milli_usd), max(settled_at)
          from usage_ledger_old group by job_id`
  ).execute(db);
  await db.schema.dropTable('usage_ledger_old').execute();
  // The covering index of the spending-limit check (migration 0004).
  await db.schema.createIndex('usage_ledger_spend').on('usage_ledger').columns(['workspace_id', 'mode', 'settled_at', 'cost_milli_usd']).execute();
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const index of INDEXES) await db.schema.dropIndex(`prediction_jobs_${index}`).execute();
  await db.schema.alterTable('prediction_jobs').renameTo('jobs').execute();
  await db.schema.alterTable('jobs').addColumn('progress', 'text').execute();
  await db.schema.alterTable('jobs').addColumn('checkpoint', 'text').execute();
  await db.schema.alterTable('jobs').addColumn('result_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('jobs').addColumn('settled_units', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('jobs').addColumn('unit_cost_milli_usd', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('jobs').addColumn('stopped_at', 'varchar(32)').execute();
  await createJobIndexes(db, 'jobs');

  await db.schema
    .createTable('job_results')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('job_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addUniqueConstraint('job_results_job_seq', ['job_id', 'seq'])
    .execute();
  // Cursor pagination compares ids byte-wise (migration 0006).
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table job_results alter column id type varchar(64) collate "C"`.execute(db);
  }
  await db.schema.createIndex('job_results_paging').on('job_results').columns(['job_id', 'id']).execute();

  await rebuildLedger(db, true);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await rebuildLedger(db, false);
  await db.schema.dropTable('job_results').execute();
  for (const index of INDEXES) await db.schema.dropIndex(`jobs_${index}`).execute();
  for (const column of ['progress', 'checkpoint', 'result_count', 'settled_units', 'unit_cost_milli_usd', 'stopped_at']) {
    await db.schema.alterTable('jobs').dropColumn(column).execute();
  }
  await db.schema.alterTable('jobs').renameTo('prediction_jobs').execute();
  await createJobIndexes(db, 'prediction_jobs');
}
