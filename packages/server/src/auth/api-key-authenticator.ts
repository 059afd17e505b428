import { timingSafeEqual } from 'node:crypto';
import type { BlockList } from 'node:net';
import { hashApiKey, parseApiKey } from '@boltz/shared';
import type { ApiKeyCredential, Storage } from '@boltz/storage';
import { forbidden, unauthorized } from '../errors.ts';
import { RecordCache } from '../record-cache.ts';
import { buildAllowList, ipAllowed } from './ip-allow-list.ts';
import type { ApiKeyPrincipal } from './principal.ts';

interface CachedKey {
  row: ApiKeyCredential;
  allowList: BlockList | null;
  hash: Buffer;
  /** `expires_at` parsed once per cache fill rather than on every request. */
  expiresAtMs: number | null;
  /** Immutable, so every request authenticated by this entry shares it. */
  principal: ApiKeyPrincipal;
}

/**
 * Resolves an API key to a principal. Rows are cached for a few seconds so that the hot path
 * does no database read; revocation and archiving in this process invalidate the cache at
 * once, and other replicas see them within the cache TTL.
 */
export class ApiKeyAuthenticator {
  private readonly cache: RecordCache<CachedKey>;

  constructor(private readonly storage: Storage, ttlMs: number) {
    this.cache = new RecordCache(ttlMs);
  }

  async authenticate(rawKey: string, clientIp: string, now: number = Date.now()): Promise<ApiKeyPrincipal> {
    if (!parseApiKey(rawKey)) throw unauthorized();
    const hash = hashApiKey(rawKey);
    const hashHex = hash.toString('hex');
    const cached = await this.lookup(hashHex, hash, now);
    // The row was found by its hash; comparing in constant time keeps the check itself from
    // leaking anything should the lookup ever change to a prefix search.
    if (!cached || !timingSafeEqual(cached.hash, hash)) throw unauthorized();
    const { row } = cached;
    if (row.revoked_at) throw unauthorized('API key has been revoked');
    if (row.workspace_archived_at) throw unauthorized('API key belongs to an archived workspace');
    if (cached.expiresAtMs !== null && cached.expiresAtMs <= now) throw unauthorized('API key has expired');
    if (!ipAllowed(cached.allowList, clientIp)) throw forbidden(`API key is not allowed from IP address ${clientIp}`);
    return cached.principal;
  }

  invalidate(keyHashHex: string): void {
    this.cache.delete(keyHashHex);
  }

  invalidateAll(): void {
    this.cache.clear();
  }

  private async lookup(hashHex: string, hash: Buffer, now: number): Promise<CachedKey | undefined> {
    const hit = this.cache.get(hashHex, now);
    if (hit) return hit;
    const row = await this.storage.apiKeys.findByHash(hashHex);
    if (!row) {
      this.cache.delete(hashHex);
      return undefined;
    }
    const entry: CachedKey = {
      row,
      allowList: buildAllowList(JSON.parse(row.allowed_ips) as string[]),
      hash: Buffer.from(row.key_hash, 'hex'),
      expiresAtMs: row.expires_at ? Date.parse(row.expires_at) : null,
      principal: Object.freeze({
        kind: 'api_key',
        apiKeyId: row.id,
        keyType: row.key_type,
        mode: row.mode,
        organizationId: row.organization_id,
        organizationName: row.organization_name,
        workspaceId: row.workspace_id,
      }),
    };
    this.cache.set(hashHex, entry, now);
    return entry;
  }
}
