import { setTimeout as sleep } from 'node:timers/promises';
import { ApiConnection } from '../api-client.ts';
import { type AuthState, describeAuthState } from '../auth-settings.ts';
import type { CommandContext } from '../command.ts';
import { AuthError } from '../errors.ts';
import { browserLogin } from '../oauth/browser-login.ts';
import { deviceLogin } from '../oauth/device-login.ts';
import { resolveListenPort, resolveOauthProfile } from '../oauth/profile.ts';
import { revokeRefreshToken } from '../oauth/protocol.ts';
import { SessionLockError, withSessionLock } from '../oauth/session-lock.ts';
import { LoginReporter, completeSignIn } from '../oauth/sign-in.ts';
import { StoredState, readOrWarn } from '../oauth/stored-state.ts';
import { clearSignIn, freshSession } from '../oauth/token-refresh.ts';

/** `auth login` (CLI.md §6.3, §6.4). */
export async function login(context: CommandContext): Promise<void> {
  const deviceCode = context.local['device-code'] === true;
  const jsonEvents = context.local['json-events'] === true;
  if (jsonEvents && !deviceCode) {
    throw new AuthError('unsupported_login_output', '--json-events is only supported with --device-code.', ['Run `boltz-api auth login --device-code --json-events`.']);
  }
  const state = new StoredState();
  const profile = resolveOauthProfile(context.globals, state.readConfig());
  const reporter = new LoginReporter(jsonEvents);
  const { as, tokens } = deviceCode ? await deviceLogin(profile, reporter) : await browserLogin(profile, resolveListenPort(context.globals), reporter);
  await completeSignIn({ globals: context.globals, state, profile, api: new ApiConnection(context.globals), reporter }, as, tokens);
}

/**
 * `auth logout` (§6.7): local state goes first, under the lock, so the sign-in is gone even when
 * the server cannot be reached; revoking the refresh token is best effort.
 */
export async function logout(_context: CommandContext): Promise<void> {
  const state = new StoredState();
  const stored = await underLock(state, 'session_save_failed', async () => {
    // Unreadable files are removed all the same.
    const ignored: string[] = [];
    const remembered = { session: readOrWarn(() => state.readSession(), ignored), refreshToken: readOrWarn(() => state.readRefreshToken(), ignored) };
    clearSignIn(state);
    return remembered;
  });
  if (stored.session?.revocation_url && stored.refreshToken) {
    try {
      await revokeRefreshToken(stored.session, stored.refreshToken);
    } catch (error) {
      process.stderr.write(`The refresh token could not be revoked on the server: ${(error as Error).message}\n`);
    }
  }
  process.stdout.write('Logged out.\n');
}

/** `auth validate` (§6.7): the status fields plus `valid` and `refreshed`; may refresh. */
export async function validate(context: CommandContext): Promise<number> {
  const before = describeAuthState(context.globals);
  if (before.effective_mode === 'api_key') {
    context.print({ ...before, warnings: [...before.warnings, 'API keys are checked locally only; run `boltz-api auth me` to ask the server.'], valid: true, refreshed: false });
    return 0;
  }
  if (before.effective_mode === 'none') {
    context.print({ ...before, valid: false, refreshed: false });
    return 1;
  }
  try {
    const { refreshed } = await freshSession(new StoredState());
    context.print({ ...describeAuthState(context.globals), valid: true, refreshed });
    return 0;
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    const after = describeAuthState(context.globals);
    context.print({ ...after, warnings: [...after.warnings, error.message], actions: [...new Set([...after.actions, ...error.hints])], valid: false, refreshed: false });
    return 1;
  }
}

/** `auth wait` (§6.7): polls the local state until a credential is usable or the timeout passes. */
export async function waitForCredential(context: CommandContext): Promise<number> {
  const timeoutMs = parseDuration(context.local.timeout as string, 'invalid_timeout', '--timeout');
  const pollMs = parseDuration(context.local['poll-interval'] as string, 'invalid_poll_interval', '--poll-interval');
  if (pollMs === 0) throw new AuthError('invalid_poll_interval', '--poll-interval must be greater than zero.', ['Use a duration such as 500ms, 2s or 1m.']);
  const deadline = Date.now() + timeoutMs;
  let state: AuthState = describeAuthState(context.globals);
  while (!state.authenticated && Date.now() < deadline) {
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
    state = describeAuthState(context.globals);
  }
  const timing = { timeout: formatDuration(timeoutMs), poll_interval: formatDuration(pollMs) };
  if (state.authenticated) {
    context.print({ ...state, status: 'success', message: `Authenticated (${state.active_source}).`, timed_out: false, ...timing });
    return 0;
  }
  context.print({ ...state, status: 'waiting', message: `No usable credential after ${timing.timeout}.`, timed_out: true, ...timing });
  return 1;
}

/** `auth orgs` (§6.7): the organizations of the credential, from GET /auth/me. */
export async function listOrganizations(context: CommandContext) {
  const me = await context.api().auth.me();
  if (me.principal_type === 'user') {
    const selected = resolveOauthProfile(context.globals, new StoredState().readConfig()).selectedOrg ?? me.selected_organization_id;
    return {
      principal_type: me.principal_type,
      selected_org: selected,
      organizations: me.organization_memberships.map((membership) => ({
        organization_id: membership.organization_id,
        role: membership.compute_role,
        selected: membership.organization_id === selected,
        switchable: true,
      })),
    };
  }
  return {
    principal_type: me.principal_type,
    selected_org: me.organization_id,
    // An API key belongs to exactly one organization.
    organizations: [{ organization_id: me.organization_id, role: me.key_type, selected: true, switchable: false }],
    api_key: { api_key_id: me.api_key_id, key_type: me.key_type, mode: me.mode, workspace_id: me.workspace_id },
  };
}

/** `auth switch-org <org>` (§6.7): writes `selected_org` to config.yaml; no server call. */
export async function switchOrganization(context: CommandContext): Promise<void> {
  const organization = (context.local['organization-id'] as string | undefined)?.trim();
  if (!organization) throw new AuthError('missing_org', 'No organization given.', ['Run `boltz-api auth switch-org <org>`; `boltz-api auth orgs` lists yours.']);
  const state = new StoredState();
  await underLock(state, 'config_save_failed', async () => {
    const config = state.readConfig() ?? {};
    try {
      state.writeConfig({ ...config, version: config.version ?? 1, selected_org: organization });
    } catch (error) {
      throw new AuthError('config_save_failed', `config.yaml could not be saved: ${(error as Error).message}`, ['Check the permissions of the boltz-api config directory.']);
    }
  });
  context.print({ selected_org: organization });
}

async function underLock<T>(state: StoredState, failureCode: string, work: () => Promise<T>): Promise<T> {
  try {
    return await withSessionLock(state.paths.lock, work);
  } catch (error) {
    if (error instanceof SessionLockError) throw new AuthError(failureCode, error.message, ['Check that the boltz-api cache directory is writable; another boltz-api process may hold the lock.']);
    throw error;
  }
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go-style durations (`500ms`, `60s`, `1m30s`); a bare number is seconds (§6.7). */
function parseDuration(text: string, code: string, flag: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  if (trimmed === '' || !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(trimmed)) {
    throw new AuthError(code, `invalid value "${text}" for ${flag}: expected a duration such as 500ms, 60s or 1m30s`, ['Use a duration such as 500ms, 60s or 1m30s (a bare number is seconds).']);
  }
  let total = 0;
  for (const [, amount, , unit] of trimmed.matchAll(/(\d+(\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(amount) * UNIT_MS[unit];
  return total;
}

/** The way Go prints a duration (`1m0s`, `2s`, `500ms`, `0s`), as the official CLI reports it. */
function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  return `${hours ? `${hours}h` : ''}${hours || minutes ? `${minutes}m` : ''}${seconds}s`;
}
