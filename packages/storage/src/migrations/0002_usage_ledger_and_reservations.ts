import type { Kysely } from 'kysely';

/**
 * Money and usage: settled work lands in `usage_ledger` (one row per settled job), cost held by
 * active work sits in `spending_reservations` until the job settles or fails.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('usage_ledger')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('organization_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('workspace_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('mode', 'varchar(8)', (c) => c.notNull())
    .addColumn('application', 'varchar(64)', (c) => c.notNull())
    .addColumn('job_id', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('cost_milli_usd', 'bigint', (c) => c.notNull())
    .addColumn('settled_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('usage_ledger_workspace_settled')
    .on('usage_ledger')
    .columns(['workspace_id', 'mode', 'settled_at'])
    .execute();

  await db.schema
    .createTable('spending_reservations')
    .addColumn('job_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('workspace_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('amount_milli_usd', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('spending_reservations_workspace')
    .on('spending_reservations')
    .column('workspace_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('spending_reservations').execute();
  await db.schema.dropTable('usage_ledger').execute();
}
