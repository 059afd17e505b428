import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { DEFAULT_BASE_URL, readEnv, resolveApiKey, resolveBaseUrl } from './api-client.ts';
import type { GlobalOptions } from './global-flags.ts';

/**
 * What `auth status` / `auth whoami` report (CLI.md §6.1, §6.6, §6.7). The files are the ones the
 * official CLI uses, so both tools see the same state. This version authenticates with API keys
 * only; a stored OAuth session is detected and reported, never used.
 */

export type SettingSource = 'unset' | 'runtime' | 'config' | 'default' | 'session_cache';

const DEFAULT_SCOPES = ['openid', 'offline_access', 'profile', 'email', 'compute:run'];

export function configDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'boltz-api');
  if (process.platform === 'win32') return join(env.APPDATA ?? homedir(), 'boltz-api');
  return join(readEnv('XDG_CONFIG_HOME', env) ?? join(homedir(), '.config'), 'boltz-api');
}

export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'boltz-api');
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? homedir(), 'boltz-api');
  return join(readEnv('XDG_CACHE_HOME', env) ?? join(homedir(), '.cache'), 'boltz-api');
}

interface Setting<T> {
  value: T | null;
  source: SettingSource;
}

/** Flag > environment (BOLTZ_API_*, then the older BOLTZ_COMPUTE_* alias) > config.yaml > default. */
function setting<T>(runtime: T | undefined, config: T | undefined, fallback: T | undefined): Setting<T> {
  if (runtime !== undefined) return { value: runtime, source: 'runtime' };
  if (config !== undefined) return { value: config, source: 'config' };
  if (fallback !== undefined) return { value: fallback, source: 'default' };
  return { value: null, source: 'unset' };
}

function envSetting(suffix: string, env: NodeJS.ProcessEnv): string | undefined {
  return readEnv(`BOLTZ_API_${suffix}`, env) ?? readEnv(`BOLTZ_COMPUTE_${suffix}`, env);
}

export function describeAuthState(globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env) {
  const configPath = join(configDirectory(env), 'config.yaml');
  const sessionPath = join(cacheDirectory(env), 'session.json');
  const credentialsPath = join(configDirectory(env), 'credentials.json');
  const warnings: string[] = [];
  let config: Record<string, any> = {};
  if (existsSync(configPath)) {
    try {
      config = (YAML.parse(readFileSync(configPath, 'utf8')) as Record<string, any>) ?? {};
    } catch (error) {
      warnings.push(`config.yaml could not be read: ${(error as Error).message}`);
    }
  }
  const flag = (name: string) => globals.auth[name] as string | undefined;
  const baseUrl = resolveBaseUrl(globals, env);
  // A self-hosted server is its own issuer (§6.1).
  const defaultIssuer = new URL(baseUrl).origin === new URL(DEFAULT_BASE_URL).origin ? 'https://lab.boltz.bio' : new URL(baseUrl).origin;
  const scopeFlag = globals.auth['auth-scope'] as string[] | undefined;
  const scopeEnv = envSetting('AUTH_SCOPE', env)?.split(',').map((scope) => scope.trim()).filter(Boolean);

  const issuer = setting(flag('auth-issuer-url') ?? envSetting('AUTH_ISSUER_URL', env), config.issuer_url, defaultIssuer);
  const clientId = setting(flag('auth-client-id') ?? envSetting('AUTH_CLIENT_ID', env), config.client_id, 'boltz-cli');
  const audience = setting(flag('auth-audience') ?? envSetting('AUTH_AUDIENCE', env), config.audience, 'boltz-compute-api');
  const scopes = setting<string[]>(scopeFlag ?? scopeEnv, config.scopes, DEFAULT_SCOPES);
  const selectedOrg = setting(flag('org') ?? envSetting('ORG', env), config.selected_org, undefined);
  const apiKey = resolveApiKey(globals, env);
  const sessionPresent = existsSync(sessionPath);
  const refreshTokenPresent = existsSync(credentialsPath);
  if (sessionPresent) warnings.push('A stored OAuth session exists, but this version of boltz-api authenticates with API keys only.');

  const authenticated = apiKey !== undefined;
  return {
    authenticated,
    effective_mode: authenticated ? 'api_key' : 'none',
    active_source: authenticated ? 'api_key' : 'none',
    config: { path: configPath, present: existsSync(configPath) },
    api_key_configured: authenticated,
    api_key_overrides_oauth: authenticated && sessionPresent,
    issuer_url: issuer.value,
    client_id: clientId.value,
    audience: audience.value,
    selected_org: selectedOrg.value,
    requested_scopes: scopes.value,
    granted_scopes: [] as string[],
    granted_scopes_known: false,
    missing_scopes: [] as string[],
    session_present: sessionPresent,
    session_match: false,
    refresh_token_present: refreshTokenPresent,
    refreshable: false,
    storage_backend: null,
    expiry: null,
    identity: null,
    stored_oauth_session: sessionPresent,
    sources: {
      api_key: apiKey ? 'runtime' : 'unset',
      issuer_url: issuer.source,
      client_id: clientId.source,
      audience: audience.source,
      scopes: scopes.source,
      selected_org: selectedOrg.source,
      session: sessionPresent ? 'session_cache' : 'unset',
    } satisfies Record<string, SettingSource>,
    warnings,
    actions: authenticated ? [] : ['Run `boltz-api auth login` to sign in.', 'Or pass --api-key or set BOLTZ_API_KEY.'],
  };
}
