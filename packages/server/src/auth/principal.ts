import type { KeyType, Mode } from '@boltz/shared';

/** Who is calling, derived once per request from the credential (spec/API.md §2). */
export interface ApiKeyPrincipal {
  readonly kind: 'api_key';
  readonly apiKeyId: string;
  readonly keyType: KeyType;
  readonly mode: Mode;
  readonly organizationId: string;
  /** Null for admin keys, which act across the organization. */
  readonly workspaceId: string | null;
}

export type Principal = ApiKeyPrincipal;

/** `public`: no credential; `any`: any valid credential; `admin`: admin rights in the organization. */
export type Access = 'public' | 'any' | 'admin';

export function isAdmin(principal: Principal): boolean {
  return principal.keyType === 'admin';
}
