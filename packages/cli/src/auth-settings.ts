import { resolveApiKey } from './api-client.ts';
import type { GlobalOptions } from './global-flags.ts';
import { type OauthProfile, accessTokenUsable, resolveOauthProfile, sessionMatches } from './oauth/profile.ts';
import { type ConfigFile, type StoredSession, StoredState, readOrWarn } from './oauth/stored-state.ts';

/**
 * What `auth status`, `whoami`, `validate` and `wait` report (CLI.md §6.1, §6.6, §6.7), from
 * local state only: the files are the ones the official CLI uses, so both tools see the same
 * sign-in. Unreadable files become warnings here rather than errors.
 */

/**
 * The token response's `scope` describes the access token, which is issued for the API
 * (resource indicator, RFC 8707) and so carries only API scopes such as `compute:run`; the
 * OpenID Connect scopes act on the ID token and refresh token instead and are not "missing".
 */
const OIDC_SCOPES = new Set(['openid', 'offline_access', 'profile', 'email']);

export type AuthState = ReturnType<typeof describeAuthState>;

export function describeAuthState(globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env) {
  const state = new StoredState(env);
  const warnings: string[] = [];
  const config: ConfigFile | undefined = readOrWarn(() => state.readConfig(), warnings);
  const profile: OauthProfile = resolveOauthProfile(globals, config, env);
  const session: StoredSession | undefined = readOrWarn(() => state.readSession(), warnings);
  const refreshToken = readOrWarn(() => state.readRefreshToken(), warnings);
  const apiKey = resolveApiKey(globals, env);

  const sessionMatch = session !== undefined && sessionMatches(session, profile);
  const refreshable = sessionMatch && refreshToken !== undefined;
  const oauthUsable = sessionMatch && (accessTokenUsable(session) || refreshable);
  const authenticated = apiKey !== undefined || oauthUsable;
  const granted = session?.granted_scopes ?? [];
  const grantedKnown = granted.length > 0;

  if (session && !sessionMatch) {
    warnings.push('The stored OAuth session was made for a different issuer, client, audience or scopes than this command resolves; it is not used.');
  }
  if (session?.storage_backend === 'keyring') {
    warnings.push('The refresh token of this session is in the OS keychain, which this boltz-api cannot read; the session ends when its access token expires.');
  }
  if (sessionMatch && !oauthUsable) warnings.push('The access token has expired and no refresh token is stored.');
  const actions: string[] = [];
  if (!authenticated) actions.push('Run `boltz-api auth login` to sign in.', 'Or pass --api-key or set BOLTZ_API_KEY.');
  else if (session && !sessionMatch && apiKey === undefined) actions.push('Run `boltz-api auth login` to sign in with the current settings.');

  return {
    authenticated,
    effective_mode: apiKey ? 'api_key' : oauthUsable ? 'oauth' : 'none',
    active_source: apiKey ? 'api_key' : oauthUsable ? 'oauth_session' : 'none',
    config: { path: state.paths.config, present: config !== undefined },
    api_key_configured: apiKey !== undefined,
    api_key_overrides_oauth: apiKey !== undefined && oauthUsable,
    issuer_url: profile.issuerUrl,
    client_id: profile.clientId,
    audience: profile.audience,
    selected_org: profile.selectedOrg,
    requested_scopes: profile.scopes,
    granted_scopes: granted,
    granted_scopes_known: grantedKnown,
    missing_scopes: grantedKnown ? profile.scopes.filter((scope) => !granted.includes(scope) && !OIDC_SCOPES.has(scope)) : [],
    session_present: session !== undefined,
    session_match: sessionMatch,
    refresh_token_present: refreshToken !== undefined,
    refreshable,
    storage_backend: session?.storage_backend ?? (refreshToken !== undefined ? 'file' : null),
    expiry: session?.expiry ?? null,
    identity: session?.identity ?? null,
    stored_oauth_session: session !== undefined,
    sources: {
      api_key: apiKey ? 'runtime' : 'unset',
      issuer_url: profile.sources.issuer_url,
      client_id: profile.sources.client_id,
      audience: profile.sources.audience,
      scopes: profile.sources.scopes,
      selected_org: profile.sources.selected_org,
      session: session ? 'session_cache' : 'unset',
      refresh_token: refreshToken !== undefined ? 'file' : 'unset',
    },
    warnings,
    actions,
  };
}
