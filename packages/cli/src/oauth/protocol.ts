import * as oauth from 'oauth4webapi';
import { CLI_VERSION } from '../version.ts';
import type { OauthProfile } from './profile.ts';
import type { Identity, StoredSession } from './stored-state.ts';

/**
 * The OAuth 2.0 / OpenID Connect client side (CLI.md §6.3–§6.5) on oauth4webapi: discovery,
 * the token requests and the checks on their answers. The CLI is the public client `boltz-cli`
 * (no secret), and always names its audience as the `resource`.
 */

const OAUTH_TIMEOUT_MS = 15_000;
const CLIENT_AUTH = oauth.None();

/** Options for every OAuth HTTP request: the 15 s timeout, our User-Agent, plain http allowed for a local issuer. */
export function httpOptions(issuerUrl: string) {
  return {
    signal: () => AbortSignal.timeout(OAUTH_TIMEOUT_MS),
    headers: { 'user-agent': `boltz-api-ts/${CLI_VERSION}` },
    [oauth.allowInsecureRequests]: issuerUrl.startsWith('http://'),
  };
}

export function oauthClient(clientId: string): oauth.Client {
  return { client_id: clientId };
}

/** Discovery (§6.3 step 1): the document's issuer must be the configured one; flag overrides win. */
export async function discover(profile: OauthProfile): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(profile.issuerUrl);
  const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...httpOptions(profile.issuerUrl) });
  const discovered = await oauth.processDiscoveryResponse(issuer, response);
  const { endpoints } = profile;
  return {
    ...discovered,
    authorization_endpoint: endpoints.authorization_url ?? discovered.authorization_endpoint,
    token_endpoint: endpoints.token_url ?? discovered.token_endpoint,
    userinfo_endpoint: endpoints.userinfo_url ?? discovered.userinfo_endpoint,
    revocation_endpoint: endpoints.revocation_url ?? discovered.revocation_endpoint,
  };
}

/** The server as a stored session remembers it, so refresh and logout need no discovery. */
export function serverOfSession(session: StoredSession): oauth.AuthorizationServer {
  return {
    issuer: session.issuer_url,
    token_endpoint: session.token_url,
    authorization_endpoint: session.authorization_url ?? undefined,
    userinfo_endpoint: session.userinfo_url ?? undefined,
    revocation_endpoint: session.revocation_url ?? undefined,
    jwks_uri: session.jwks_url ?? undefined,
    id_token_signing_alg_values_supported: session.algorithms?.length ? session.algorithms : undefined,
  };
}

const resourceParameter = (audience: string) => ({ resource: audience });

export async function exchangeAuthorizationCode(
  as: oauth.AuthorizationServer,
  profile: OauthProfile,
  callback: URLSearchParams,
  redirectUri: string,
  verifier: string,
  nonce: string,
): Promise<oauth.TokenEndpointResponse> {
  const client = oauthClient(profile.clientId);
  const response = await oauth.authorizationCodeGrantRequest(as, client, CLIENT_AUTH, callback, redirectUri, verifier, {
    additionalParameters: resourceParameter(profile.audience),
    ...httpOptions(profile.issuerUrl),
  });
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: false });
  await verifyIdTokenSignature(as, response, tokens, profile.issuerUrl);
  return tokens;
}

export async function startDeviceAuthorization(as: oauth.AuthorizationServer, profile: OauthProfile): Promise<oauth.DeviceAuthorizationResponse> {
  const client = oauthClient(profile.clientId);
  const response = await oauth.deviceAuthorizationRequest(
    as,
    client,
    CLIENT_AUTH,
    { scope: profile.scopes.join(' '), ...resourceParameter(profile.audience) },
    httpOptions(profile.issuerUrl),
  );
  return oauth.processDeviceAuthorizationResponse(as, client, response);
}

/** One poll of the token endpoint (§6.4); `authorization_pending` and friends arrive as ResponseBodyError. */
export async function pollDeviceCode(as: oauth.AuthorizationServer, profile: OauthProfile, deviceCode: string): Promise<oauth.TokenEndpointResponse> {
  const client = oauthClient(profile.clientId);
  const response = await oauth.deviceCodeGrantRequest(as, client, CLIENT_AUTH, deviceCode, {
    additionalParameters: resourceParameter(profile.audience),
    ...httpOptions(profile.issuerUrl),
  });
  const tokens = await oauth.processDeviceCodeResponse(as, client, response);
  await verifyIdTokenSignature(as, response, tokens, profile.issuerUrl);
  return tokens;
}

export async function refreshTokens(session: StoredSession, refreshToken: string): Promise<oauth.TokenEndpointResponse> {
  const as = serverOfSession(session);
  const client = oauthClient(session.client_id);
  const response = await oauth.refreshTokenGrantRequest(as, client, CLIENT_AUTH, refreshToken, {
    additionalParameters: resourceParameter(session.audience),
    ...httpOptions(session.issuer_url),
  });
  const tokens = await oauth.processRefreshTokenResponse(as, client, response);
  await verifyIdTokenSignature(as, response, tokens, session.issuer_url);
  return tokens;
}

export async function revokeRefreshToken(session: StoredSession, refreshToken: string): Promise<void> {
  const as = serverOfSession(session);
  const client = oauthClient(session.client_id);
  const response = await oauth.revocationRequest(as, client, CLIENT_AUTH, refreshToken, {
    additionalParameters: { token_type_hint: 'refresh_token' },
    ...httpOptions(session.issuer_url),
  });
  await oauth.processRevocationResponse(response);
}

/**
 * The ID token's claims (issuer, audience, expiry, nonce) are checked by oauth4webapi while
 * processing the token response; its signature is checked here against the issuer's JWKS (§6.3 step 6).
 */
async function verifyIdTokenSignature(as: oauth.AuthorizationServer, response: Response, tokens: oauth.TokenEndpointResponse, issuerUrl: string): Promise<void> {
  if (tokens.id_token) await oauth.validateApplicationLevelSignature(as, response, httpOptions(issuerUrl));
}

/**
 * Identity (§6.3 step 6): the userinfo claims when the server answers them for this access
 * token, else the ID token's. (An access token issued for a resource — our audience — may be
 * refused by the userinfo endpoint, RFC 8707; the ID token still names the user.)
 */
export async function fetchIdentity(as: oauth.AuthorizationServer, profile: OauthProfile, tokens: oauth.TokenEndpointResponse): Promise<Identity | null> {
  const idClaims = oauth.getValidatedIdTokenClaims(tokens);
  let claims: Record<string, unknown> | undefined = idClaims ? { ...idClaims } : undefined;
  if (as.userinfo_endpoint) {
    const client = oauthClient(profile.clientId);
    try {
      const response = await oauth.userInfoRequest(as, client, tokens.access_token, httpOptions(profile.issuerUrl));
      claims = { ...(await oauth.processUserInfoResponse(as, client, idClaims?.sub ?? oauth.skipSubjectCheck, response)) };
    } catch (error) {
      if (!claims) throw error;
    }
  }
  if (!claims) return null;
  const text = (name: string) => (typeof claims[name] === 'string' ? (claims[name] as string) : null);
  return { subject: text('sub'), email: text('email'), name: text('name'), preferred_username: text('preferred_username'), claims };
}

/** The session.json record for freshly issued tokens (§6.6). */
export function sessionRecord(
  as: oauth.AuthorizationServer,
  profile: OauthProfile,
  tokens: oauth.TokenEndpointResponse,
  identity: Identity | null,
  now = new Date(),
): StoredSession {
  return {
    issuer_url: profile.issuerUrl,
    client_id: profile.clientId,
    audience: profile.audience,
    scopes: profile.scopes,
    granted_scopes: tokens.scope ? tokens.scope.split(' ').filter(Boolean) : [],
    access_token: tokens.access_token,
    token_type: tokens.token_type,
    expiry: tokens.expires_in !== undefined ? new Date(now.getTime() + tokens.expires_in * 1000).toISOString() : null,
    id_token: tokens.id_token ?? null,
    authorization_url: as.authorization_endpoint ?? null,
    token_url: as.token_endpoint!,
    userinfo_url: as.userinfo_endpoint ?? null,
    revocation_url: as.revocation_endpoint ?? null,
    jwks_url: as.jwks_uri ?? null,
    algorithms: as.id_token_signing_alg_values_supported ?? [],
    storage_backend: 'file',
    identity,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  };
}

/** A one-line reason for a failed OAuth exchange, in the token endpoint's words when it gave some. */
export function describeOauthFailure(error: unknown): string {
  if (error instanceof oauth.ResponseBodyError) return `token endpoint returned ${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
  if (error instanceof oauth.AuthorizationResponseError) return `authorization failed: ${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'the OAuth server did not answer within 15 s';
  if (error instanceof Error) {
    const cause = (error.cause as Error | undefined)?.message;
    return cause && typeof cause === 'string' && cause !== error.message ? `${error.message} (${cause})` : error.message;
  }
  return String(error);
}

export { ResponseBodyError } from 'oauth4webapi';
