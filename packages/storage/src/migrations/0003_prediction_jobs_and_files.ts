import type { Kysely } from 'kysely';

/**
 * Prediction jobs and their files. The job table is also the queue (DESIGN.md): a runner
 * claims a row by taking its lease (`lease_owner`, `lease_expires_at`); `run_after` delays
 * when a pending job becomes claimable (test-mode timing presets, ENGINE.md §9).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('prediction_jobs')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('organization_id', 'varchar(64)', (c) => c.notNull().references('organizations.id'))
    .addColumn('workspace_id', 'varchar(64)', (c) => c.notNull().references('workspaces.id'))
    .addColumn('mode', 'varchar(8)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('model', 'varchar(32)', (c) => c.notNull())
    .addColumn('version', 'varchar(128)', (c) => c.notNull())
    .addColumn('input', 'text')
    .addColumn('input_files', 'text')
    .addColumn('output', 'text')
    .addColumn('error', 'text')
    .addColumn('idempotency_key', 'varchar(255)')
    .addColumn('request_fingerprint', 'varchar(64)', (c) => c.notNull())
    .addColumn('billed_units', 'integer', (c) => c.notNull())
    .addColumn('cost_milli_usd', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('started_at', 'varchar(32)')
    .addColumn('completed_at', 'varchar(32)')
    .addColumn('expires_at', 'varchar(32)')
    .addColumn('data_deleted_at', 'varchar(32)')
    .addColumn('run_after', 'varchar(32)', (c) => c.notNull())
    .addColumn('lease_owner', 'varchar(64)')
    .addColumn('lease_expires_at', 'varchar(32)')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Decision (a): a key is remembered per (organization, workspace, mode, family). NULL keys
  // are distinct on both dialects, so jobs without a key never collide.
  await db.schema
    .createIndex('prediction_jobs_idempotency')
    .on('prediction_jobs')
    .columns(['organization_id', 'workspace_id', 'mode', 'kind', 'idempotency_key'])
    .unique()
    .execute();
  await db.schema
    .createIndex('prediction_jobs_listing')
    .on('prediction_jobs')
    .columns(['workspace_id', 'mode', 'kind', 'id'])
    .execute();
  await db.schema.createIndex('prediction_jobs_claiming').on('prediction_jobs').columns(['status', 'run_after']).execute();
  await db.schema.createIndex('prediction_jobs_expiry').on('prediction_jobs').columns(['expires_at']).execute();

  await db.schema
    .createTable('files')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('job_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('organization_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('workspace_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('role', 'varchar(8)', (c) => c.notNull())
    .addColumn('filename', 'varchar(255)', (c) => c.notNull())
    .addColumn('media_type', 'varchar(128)', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('storage_key', 'varchar(512)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('deleted_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('files_job').on('files').columns(['job_id', 'role']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('files').execute();
  await db.schema.dropTable('prediction_jobs').execute();
}
