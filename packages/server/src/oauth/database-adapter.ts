import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Storage } from '@boltz/storage';

const epochSeconds = () => Math.floor(Date.now() / 1000);

/**
 * oidc-provider's persistence on our own database (both dialects), so that sessions, codes,
 * device codes and refresh tokens survive restarts and are shared by replicas. (Its built-in
 * memory adapter is for development only.)
 */
export function databaseAdapterFactory(storage: Storage) {
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

    async consume(id: string): Promise<void> {
      await store.consume(this.model, id, epochSeconds());
    }

    async destroy(id: string): Promise<void> {
      await store.destroy(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await store.revokeByGrantId(grantId);
    }
  };
}
