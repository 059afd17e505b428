import type { Static } from 'typebox';
import type { ApiKeyCredentialRow } from '@boltz/storage';
import type { ApiKey } from '../schemas/api-key.ts';

/** The later of two ISO timestamps (of one fixed width, so they compare as text). */
function later(a: string | undefined, b: string | null): string | null {
  return a && (!b || a > b) ? a : b;
}

export function toApiKey(row: ApiKeyCredentialRow, pendingLastUsedAt?: string): Static<typeof ApiKey> {
  return {
    id: row.id,
    name: row.name,
    key_prefix: row.key_prefix,
    key_type: row.key_type,
    livemode: row.mode === 'live',
    workspace_id: row.workspace_id,
    allowed_ips: JSON.parse(row.allowed_ips) as string[],
    is_active: row.revoked_at === null && row.workspace_archived_at === null,
    created_at: row.created_at,
    expires_at: row.expires_at,
    last_used_at: later(pendingLastUsedAt, row.last_used_at),
  };
}
