import { type Adapter, type AdapterPayload, errors } from 'oidc-provider';
import type { Storage } from '@boltz/storage';

const epochSeconds = () => Math.floor(Date.now() / 1000);

/**
 * oidc-provider's persistence on our own database (both dialects), so that sessions, codes,
 * device codes and refresh tokens survive restarts and are shared by replicas. (Its built-in
 * memory adapter is for development only.)
 */
export function databaseAdapterFactory(storage: Storage, onGrantRevoked: (grantId: string) => void) {
  const store = storage.oauthModels;
  return class DatabaseAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : null;
      await store.upsert(this.model, id, payload as Record<string, unknown>, expiresAt);
    }

    private static toPayload(record: Awaited<ReturnType<typeof store.find>>): AdapterPayload | undefined {
      if (!record) return undefined;
      return { ...(record.payload as AdapterPayload), ...(record.consumedAt ? { consumed: record.consumedAt } : {}) };
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return DatabaseAdapter.toPayload(await store.find(this.model, id));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return DatabaseAdapter.toPayload(await store.findByUserCode(this.model, userCode));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return DatabaseAdapter.toPayload(await store.findByUid(this.model, uid));
    }

    /**
     * oidc-provider reads a token, checks that it is unspent, then consumes it: two requests
     * with one token can both pass the check. Only one consume wins here; the other is a reuse
     * of a spent token, answered as oidc-provider answers a sequential replay (RFC 9700
     * §4.14.2): the grant is revoked and the request fails with invalid_grant.
     */
    async consume(id: string): Promise<void> {
      const result = await store.consume(this.model, id, epochSeconds());
      if (result.consumed) return;
      if (result.grantId) {
        await store.revokeByGrantId(result.grantId);
        onGrantRevoked(result.grantId);
      }
      throw new errors.InvalidGrant(`${this.model} already used`);
    }

    async destroy(id: string): Promise<void> {
      await store.destroy(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await store.revokeByGrantId(grantId);
    }
  };
}
