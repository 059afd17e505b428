import type { Kysely } from 'kysely';

/**
 * People and OAuth: users with argon2id password hashes, their organization memberships, the
 * OAuth server's persisted state (oidc-provider models: sessions, grants, codes, device codes,
 * refresh tokens…) and server secrets (signing keys) so that restarts and replicas share them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('email', 'varchar(320)', (c) => c.notNull().unique())
    .addColumn('name', 'varchar(255)')
    .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
    .addColumn('active_organization_id', 'varchar(64)')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('organization_memberships')
    .addColumn('organization_id', 'varchar(64)', (c) => c.notNull().references('organizations.id'))
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id'))
    .addColumn('compute_role', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addPrimaryKeyConstraint('organization_memberships_pk', ['organization_id', 'user_id'])
    .execute();
  await db.schema.createIndex('organization_memberships_user').on('organization_memberships').column('user_id').execute();

  await db.schema
    .createTable('oauth_models')
    .addColumn('model', 'varchar(64)', (c) => c.notNull())
    .addColumn('id', 'varchar(255)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'varchar(255)')
    .addColumn('user_code', 'varchar(64)')
    .addColumn('uid', 'varchar(255)')
    .addColumn('expires_at', 'bigint')
    .addColumn('consumed_at', 'bigint')
    .addPrimaryKeyConstraint('oauth_models_pk', ['model', 'id'])
    .execute();
  await db.schema.createIndex('oauth_models_grant').on('oauth_models').column('grant_id').execute();
  await db.schema.createIndex('oauth_models_user_code').on('oauth_models').columns(['model', 'user_code']).execute();
  await db.schema.createIndex('oauth_models_uid').on('oauth_models').columns(['model', 'uid']).execute();
  await db.schema.createIndex('oauth_models_expires').on('oauth_models').column('expires_at').execute();

  await db.schema
    .createTable('server_secrets')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('server_secrets').execute();
  await db.schema.dropTable('oauth_models').execute();
  await db.schema.dropTable('organization_memberships').execute();
  await db.schema.dropTable('users').execute();
}
