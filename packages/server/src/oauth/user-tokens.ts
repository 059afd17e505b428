import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import type Provider from 'oidc-provider';
import type { Storage } from '@boltz/storage';
import type { UserPrincipal } from '../auth/principal.ts';
import { forbidden, unauthorized } from '../errors.ts';
import type { UserTokenAuthenticator } from '../plugins/authentication.ts';
import { API_AUDIENCE, API_SCOPE } from './authorization-server.ts';

const GRANT_CACHE_MS = 2_000;

/**
 * Bearer access tokens of signed-in users (spec/API.md §2.1): an ES256 JWT from our own
 * authorization server, audience `boltz-compute-api`, whose grant still exists; the
 * organization comes from `X-Boltz-Organization-Id` (must be a membership) or else the user's
 * active organization.
 */
export class UserTokenVerifier implements UserTokenAuthenticator {
  private readonly keys: ReturnType<typeof createLocalJWKSet>;
  private readonly liveGrants = new Map<string, number>();

  constructor(
    private readonly storage: Storage,
    private readonly provider: Provider,
    private readonly issuer: string,
    publicKey: JWK,
  ) {
    this.keys = createLocalJWKSet({ keys: [publicKey] });
  }

  async authenticate(token: string, selectedOrganizationId: string | undefined): Promise<UserPrincipal> {
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(token, this.keys, { issuer: this.issuer, audience: API_AUDIENCE, algorithms: ['ES256'] }));
    } catch {
      throw unauthorized('Invalid or expired access token');
    }
    if (typeof claims.sub !== 'string' || typeof claims.gid !== 'string' || !(await this.grantAlive(claims.gid))) {
      throw unauthorized('Access token has been revoked; sign in again');
    }
    // RFC 6750 §3.1 insufficient_scope: the token is genuine but was not granted API access.
    if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes(API_SCOPE)) {
      throw forbidden(`This access token lacks the ${API_SCOPE} scope; sign in again granting it`);
    }

    const [user, memberships] = await Promise.all([this.storage.users.findById(claims.sub), this.storage.users.memberships(claims.sub)]);
    if (!user) throw unauthorized('The user of this access token no longer exists');
    if (user.disabled_at) throw unauthorized('This account is disabled');
    // A password reset, disabling or a removed membership ends earlier sign-ins at once.
    if (user.tokens_revoked_at) {
      const issuedAtMs = typeof claims.iat_ms === 'number' ? claims.iat_ms : (claims.iat ?? 0) * 1000;
      if (issuedAtMs <= Date.parse(user.tokens_revoked_at)) throw unauthorized('Access token has been revoked; sign in again');
    }
    const wanted = selectedOrganizationId ?? user.active_organization_id ?? memberships[0]?.organization_id;
    const membership = memberships.find((m) => m.organization_id === wanted);
    if (!membership) {
      throw forbidden(selectedOrganizationId ? `You are not a member of organization ${selectedOrganizationId}` : 'You are not a member of any organization');
    }
    return { kind: 'user', userId: user.id, role: membership.compute_role, mode: 'live', organizationId: membership.organization_id, workspaceId: null };
  }

  forget(grantId: string): void {
    this.liveGrants.delete(grantId);
  }

  private async grantAlive(grantId: string): Promise<boolean> {
    const now = Date.now();
    const checkedAt = this.liveGrants.get(grantId);
    if (checkedAt !== undefined && now - checkedAt < GRANT_CACHE_MS) return true;
    const grant = await this.provider.Grant.find(grantId);
    if (!grant) {
      this.liveGrants.delete(grantId);
      return false;
    }
    if (this.liveGrants.size > 10_000) this.liveGrants.clear();
    this.liveGrants.set(grantId, now);
    return true;
  }
}
