import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * Persistence for the OAuth server (oidc-provider's adapter interface): one row per model
 * instance, with the columns it looks instances up by.
 */
export interface OauthModelRecord {
  payload: Record<string, unknown>;
  expiresAt: number | null;
  /** Unix seconds. */
  consumedAt: number | null;
}

export class OauthModelStore {
  constructor(private readonly db: Kysely<Database>) {}

  async upsert(model: string, id: string, payload: Record<string, unknown>, expiresAt: number | null): Promise<void> {
    // Interactions carry the account in their session; every other model as `accountId`.
    const accountId = payload.accountId ?? (payload.session as { accountId?: unknown } | undefined)?.accountId;
    const row = {
      model,
      id,
      payload: JSON.stringify(payload),
      grant_id: typeof payload.grantId === 'string' ? payload.grantId : null,
      account_id: typeof accountId === 'string' ? accountId : null,
      user_code: typeof payload.userCode === 'string' ? payload.userCode : null,
      uid: typeof payload.uid === 'string' ? payload.uid : null,
      expires_at: expiresAt,
      consumed_at: null,
    };
    await this.db
      .insertInto('oauth_models')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['model', 'id']).doUpdateSet({
          payload: row.payload,
          grant_id: row.grant_id,
          account_id: row.account_id,
          user_code: row.user_code,
          uid: row.uid,
          expires_at: row.expires_at,
        }),
      )
      .execute();
  }

  /** Expired rows are returned too: oidc-provider checks `exp` itself (expired device codes must say so). */
  private async findWhere(model: string, column: 'id' | 'user_code' | 'uid', value: string) {
    return this.db.selectFrom('oauth_models').selectAll().where('model', '=', model).where(column, '=', value).executeTakeFirst();
  }

  private static toRecord(row: { payload: string; expires_at: number | null; consumed_at: number | null }): OauthModelRecord {
    return {
      payload: JSON.parse(row.payload) as Record<string, unknown>,
      expiresAt: row.expires_at === null ? null : Number(row.expires_at),
      consumedAt: row.consumed_at === null ? null : Number(row.consumed_at),
    };
  }

  async find(model: string, id: string): Promise<OauthModelRecord | undefined> {
    const row = await this.findWhere(model, 'id', id);
    return row && OauthModelStore.toRecord(row);
  }

  async findByUserCode(model: string, userCode: string): Promise<OauthModelRecord | undefined> {
    const row = await this.findWhere(model, 'user_code', userCode);
    return row && OauthModelStore.toRecord(row);
  }

  async findByUid(model: string, uid: string): Promise<OauthModelRecord | undefined> {
    const row = await this.findWhere(model, 'uid', uid);
    return row && OauthModelStore.toRecord(row);
  }

  /**
   * Marks a code or refresh token spent, in one statement that only an unspent row matches, so
   * that of concurrent consumers (two refreshes racing with one token) exactly one succeeds on
   * either dialect. Returns false, with the grant to revoke, when it was already spent.
   * `at` is in Unix seconds, as oidc-provider reports `consumed`.
   */
  async consume(model: string, id: string, at: number): Promise<{ consumed: true } | { consumed: false; grantId: string | null }> {
    const result = await this.db
      .updateTable('oauth_models')
      .set({ consumed_at: at })
      .where('model', '=', model)
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) return { consumed: true };
    const row = await this.db.selectFrom('oauth_models').select('grant_id').where('model', '=', model).where('id', '=', id).executeTakeFirst();
    return { consumed: false, grantId: row?.grant_id ?? null };
  }

  async destroy(model: string, id: string): Promise<void> {
    await this.db.deleteFrom('oauth_models').where('model', '=', model).where('id', '=', id).execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db.deleteFrom('oauth_models').where('grant_id', '=', grantId).execute();
  }

  /** Housekeeping: rows past their expiry by more than `graceMs`. */
  async deleteExpired(graceMs: number, now = Date.now()): Promise<number> {
    const result = await this.db.deleteFrom('oauth_models').where('expires_at', '<=', now - graceMs).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
