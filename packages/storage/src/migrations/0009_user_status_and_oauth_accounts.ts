import { type Kysely, sql } from 'kysely';

/**
 * User administration (`boltz-server user disable|delete`, password resets, membership removal)
 * that takes effect at once: users get `disabled_at` and `tokens_revoked_at` (access tokens
 * issued before it are refused), and OAuth rows get the account they belong to, so that every
 * grant, session, code and refresh token of a user can be deleted in one statement.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('disabled_at', 'varchar(32)').execute();
  await db.schema.alterTable('users').addColumn('tokens_revoked_at', 'varchar(32)').execute();
  await db.schema.alterTable('oauth_models').addColumn('account_id', 'varchar(64)').execute();
  await db.schema.createIndex('oauth_models_account').on('oauth_models').column('account_id').execute();

  // Rows written before this migration: the account is in the JSON payload (oidc-provider's
  // `accountId`, or `session.accountId` of an interaction).
  const rows = await sql<{ model: string; id: string; payload: string }>`select model, id, payload from oauth_models`.execute(db);
  for (const row of rows.rows) {
    const payload = JSON.parse(row.payload) as { accountId?: unknown; session?: { accountId?: unknown } };
    const accountId = payload.accountId ?? payload.session?.accountId;
    if (typeof accountId !== 'string') continue;
    await sql`update oauth_models set account_id = ${accountId} where model = ${row.model} and id = ${row.id}`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('oauth_models_account').execute();
  await db.schema.alterTable('oauth_models').dropColumn('account_id').execute();
  await db.schema.alterTable('users').dropColumn('tokens_revoked_at').execute();
  await db.schema.alterTable('users').dropColumn('disabled_at').execute();
}
