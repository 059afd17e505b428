import type { KeyType, Mode } from '@boltz/shared';

/** Who is calling, derived once per request from the credential (spec/API.md §2). */
export interface ApiKeyPrincipal {
  readonly kind: 'api_key';
  readonly apiKeyId: string;
  readonly keyType: KeyType;
  readonly mode: Mode;
  readonly organizationId: string;
  /** Cached with the key, so that `auth/me` answers without a database read. */
  readonly organizationName: string;
  /** The one workspace a workspace key is confined to; null for admin keys. */
  readonly workspaceId: string | null;
}

/**
 * A signed-in person (OAuth Bearer token, spec/API.md §2.1): always live mode, acting in the
 * organization selected by `X-Boltz-Organization-Id`. Role `admin` has admin-key rights;
 * `member` has workspace-key rights in every non-archived workspace, so neither is confined
 * to one workspace.
 */
export interface UserPrincipal {
  readonly kind: 'user';
  readonly userId: string;
  readonly role: 'admin' | 'member';
  readonly mode: 'live';
  readonly organizationId: string;
  readonly workspaceId: null;
}

export type Principal = ApiKeyPrincipal | UserPrincipal;

/** `public`: no credential; `any`: any valid credential; `admin`: admin rights in the organization. */
export type Access = 'public' | 'any' | 'admin';

export function isAdmin(principal: Principal): boolean {
  return principal.kind === 'api_key' ? principal.keyType === 'admin' : principal.role === 'admin';
}

/** The key that rate limits and usage tracking count a caller under. */
export function principalId(principal: Principal): string {
  return principal.kind === 'api_key' ? principal.apiKeyId : principal.userId;
}
