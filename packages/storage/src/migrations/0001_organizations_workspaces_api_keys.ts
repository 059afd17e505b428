import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organizations')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('workspaces')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('organization_id', 'varchar(64)', (c) => c.notNull().references('organizations.id'))
    .addColumn('name', 'varchar(255)')
    .addColumn('name_lower', 'varchar(255)')
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retention_unit', 'varchar(8)', (c) => c.notNull())
    .addColumn('retention_value', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('archived_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('workspaces_org_id').on('workspaces').columns(['organization_id', 'id']).execute();
  await db.schema
    .createIndex('workspaces_org_name')
    .on('workspaces')
    .columns(['organization_id', 'name_lower'])
    .execute();

  await db.schema
    .createTable('spending_limits')
    .addColumn('workspace_id', 'varchar(64)', (c) => c.primaryKey().references('workspaces.id'))
    .addColumn('limit_milli_usd', 'bigint', (c) => c.notNull())
    .addColumn('tracking_started_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('organization_id', 'varchar(64)', (c) => c.notNull().references('organizations.id'))
    .addColumn('workspace_id', 'varchar(64)', (c) => c.references('workspaces.id'))
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('key_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('mode', 'varchar(8)', (c) => c.notNull())
    .addColumn('key_prefix', 'varchar(12)', (c) => c.notNull())
    .addColumn('key_hash', 'varchar(64)', (c) => c.notNull().unique())
    .addColumn('allowed_ips', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)')
    .addColumn('revoked_at', 'varchar(32)')
    .addColumn('last_used_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('api_keys_org_id').on('api_keys').columns(['organization_id', 'id']).execute();
  await db.schema
    .createIndex('api_keys_workspace_id')
    .on('api_keys')
    .columns(['workspace_id', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_keys').execute();
  await db.schema.dropTable('spending_limits').execute();
  await db.schema.dropTable('workspaces').execute();
  await db.schema.dropTable('organizations').execute();
}
