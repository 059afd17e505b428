import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/** Secrets every replica must share (signing keys). Created once; the first writer wins. */
export class ServerSecretStore {
  constructor(private readonly db: Kysely<Database>) {}

  async getOrCreate(name: string, create: () => string | Promise<string>): Promise<string> {
    const existing = await this.db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirst();
    if (existing) return existing.value;
    const value = await create();
    await this.db
      .insertInto('server_secrets')
      .values({ name, value, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const stored = await this.db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
    return stored.value;
  }
}
