import { DEFAULT_BASE_URL, readEnv, resolveBaseUrl } from '../api-client.ts';
import { UsageError } from '../errors.ts';
import type { GlobalOptions } from '../global-flags.ts';
import type { ConfigFile, StoredSession } from './stored-state.ts';

/**
 * The OAuth settings of one invocation (CLI.md §6.1, §7): each field resolves on its own,
 * flag > environment (BOLTZ_API_*, then the older BOLTZ_COMPUTE_* name) > config.yaml > default.
 */

export type SettingSource = 'unset' | 'runtime' | 'config' | 'default';

const DEFAULT_SCOPES = ['openid', 'offline_access', 'profile', 'email', 'compute:run'];
const DEFAULT_CLIENT_ID = 'boltz-cli';
const DEFAULT_AUDIENCE = 'boltz-compute-api';
const OFFICIAL_ISSUER = 'https://lab.boltz.bio';
const DEFAULT_LISTEN_PORT = 8421;

const ENDPOINT_SETTINGS = [
  { key: 'authorization_url', flag: 'auth-authorization-url', env: 'AUTH_AUTHORIZATION_URL' },
  { key: 'token_url', flag: 'auth-token-url', env: 'AUTH_TOKEN_URL' },
  { key: 'userinfo_url', flag: 'auth-userinfo-url', env: 'AUTH_USERINFO_URL' },
  { key: 'revocation_url', flag: 'auth-revocation-url', env: 'AUTH_REVOCATION_URL' },
] as const;
type EndpointKey = (typeof ENDPOINT_SETTINGS)[number]['key'];

export interface OauthProfile {
  issuerUrl: string;
  clientId: string;
  audience: string;
  scopes: string[];
  /** Endpoints given explicitly; they win over discovery. */
  endpoints: Partial<Record<EndpointKey, string>>;
  selectedOrg: string | null;
  sources: { issuer_url: SettingSource; client_id: SettingSource; audience: SettingSource; scopes: SettingSource; selected_org: SettingSource };
}

interface Setting<T> {
  value: T | undefined;
  source: SettingSource;
}

function setting<T>(runtime: T | undefined, config: T | undefined, fallback?: T): Setting<T> {
  if (runtime !== undefined) return { value: runtime, source: 'runtime' };
  if (config !== undefined) return { value: config, source: 'config' };
  if (fallback !== undefined) return { value: fallback, source: 'default' };
  return { value: undefined, source: 'unset' };
}

function envSetting(suffix: string, env: NodeJS.ProcessEnv): string | undefined {
  return readEnv(`BOLTZ_API_${suffix}`, env) ?? readEnv(`BOLTZ_COMPUTE_${suffix}`, env);
}

/** Flag values are trimmed like environment values; blank means not given. */
function flagValue(globals: GlobalOptions, name: string): string | undefined {
  const value = globals.auth[name];
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

const configText = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/** A self-hosted server is its own issuer; the official API's issuer is lab.boltz.bio (§6.1). */
function defaultIssuer(globals: GlobalOptions, env: NodeJS.ProcessEnv): string {
  const origin = new URL(resolveBaseUrl(globals, env)).origin;
  return origin === new URL(DEFAULT_BASE_URL).origin ? OFFICIAL_ISSUER : origin;
}

export function resolveOauthProfile(globals: GlobalOptions, config: ConfigFile | undefined, env: NodeJS.ProcessEnv = process.env): OauthProfile {
  const scopeFlag = (globals.auth['auth-scope'] as string[] | undefined)?.map((scope) => scope.trim()).filter(Boolean);
  const scopeEnv = envSetting('AUTH_SCOPE', env)?.split(',').map((scope) => scope.trim()).filter(Boolean);
  const configScopes = Array.isArray(config?.scopes) && config.scopes.length > 0 ? config.scopes.map(String) : undefined;

  const issuer = setting(flagValue(globals, 'auth-issuer-url') ?? envSetting('AUTH_ISSUER_URL', env), configText(config?.issuer_url), defaultIssuer(globals, env));
  const clientId = setting(flagValue(globals, 'auth-client-id') ?? envSetting('AUTH_CLIENT_ID', env), configText(config?.client_id), DEFAULT_CLIENT_ID);
  const audience = setting(flagValue(globals, 'auth-audience') ?? envSetting('AUTH_AUDIENCE', env), configText(config?.audience), DEFAULT_AUDIENCE);
  const scopes = setting(scopeFlag?.length ? scopeFlag : scopeEnv?.length ? scopeEnv : undefined, configScopes, DEFAULT_SCOPES);
  const selectedOrg = setting(flagValue(globals, 'org') ?? envSetting('ORG', env), configText(config?.selected_org));

  const endpoints: OauthProfile['endpoints'] = {};
  for (const { key, flag, env: suffix } of ENDPOINT_SETTINGS) {
    const value = flagValue(globals, flag) ?? envSetting(suffix, env) ?? configText(config?.[key]);
    if (value) endpoints[key] = value;
  }
  return {
    issuerUrl: issuer.value!,
    clientId: clientId.value!,
    audience: audience.value!,
    scopes: scopes.value!,
    endpoints,
    selectedOrg: selectedOrg.value ?? null,
    sources: { issuer_url: issuer.source, client_id: clientId.source, audience: audience.source, scopes: scopes.source, selected_org: selectedOrg.source },
  };
}

/** `--listen-port` > BOLTZ_API_LISTEN_PORT > 8421; 0 asks the system for a free port (§6.3). */
export function resolveListenPort(globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env): number {
  const text = flagValue(globals, 'listen-port') ?? envSetting('LISTEN_PORT', env);
  if (text === undefined) return DEFAULT_LISTEN_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`invalid value "${text}" for flag --listen-port: expected a port number (0-65535)`);
  return port;
}

const sameIssuer = (a: string, b: string) => a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase();
const sameScopes = (a: string[], b: string[]) => [...new Set(a)].sort().join(' ') === [...new Set(b)].sort().join(' ');

/** A stored session is used only for the issuer, client, audience and scope set it was made for (§6.1). */
export function sessionMatches(session: StoredSession, profile: OauthProfile): boolean {
  return (
    sameIssuer(session.issuer_url, profile.issuerUrl) &&
    session.client_id === profile.clientId &&
    session.audience === profile.audience &&
    sameScopes(session.scopes ?? [], profile.scopes)
  );
}

/** Usable = present and not expiring within 60 s (§6.5). */
export function accessTokenUsable(session: StoredSession, now = Date.now()): boolean {
  if (!session.access_token) return false;
  if (!session.expiry) return true;
  const expiry = Date.parse(session.expiry);
  return Number.isFinite(expiry) && expiry - now > 60_000;
}

/** The config.yaml that a sign-in leaves behind: the profile it used, keeping the selected org. */
export function profileConfig(profile: OauthProfile, previous: ConfigFile | undefined): ConfigFile {
  return {
    version: 1,
    issuer_url: profile.issuerUrl,
    client_id: profile.clientId,
    scopes: profile.scopes,
    audience: profile.audience,
    ...profile.endpoints,
    selected_org: previous?.selected_org,
  };
}
