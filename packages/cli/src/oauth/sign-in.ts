import type { AuthorizationServer, TokenEndpointResponse } from 'oauth4webapi';
import { type ApiConnection, resolveApiKey } from '../api-client.ts';
import { AuthError } from '../errors.ts';
import type { GlobalOptions } from '../global-flags.ts';
import { type OauthProfile, profileConfig } from './profile.ts';
import { describeOauthFailure, fetchIdentity, sessionRecord } from './protocol.ts';
import { SessionLockError, withSessionLock } from './session-lock.ts';
import { type StoredState, credentialsJson, sessionJson } from './stored-state.ts';

/**
 * What `auth login` prints (CLI.md §6.3 step 4, §6.4): plain lines for people, or with
 * `--json-events` one JSON event per line for programs (agents) reading stdout.
 */
export class LoginReporter {
  constructor(readonly jsonEvents: boolean) {}

  private event(event: Record<string, unknown>): void {
    process.stdout.write(`${JSON.stringify(event)}\n`);
  }

  authUrl(url: string, device?: { verification_uri: string; verification_uri_complete?: string; user_code: string; expires_in: number; interval: number }): void {
    if (this.jsonEvents) {
      this.event({ event: 'auth_url', url, ...device, verification_uri_complete: device?.verification_uri_complete ?? null });
      return;
    }
    process.stdout.write(`Open this URL to authenticate:\n${url}\n`);
    if (device) process.stdout.write(`Enter this code:\n${device.user_code}\n`);
  }

  browserNotOpened(reason: string): void {
    this.warning(`Could not open browser automatically: ${reason}`);
  }

  warning(message: string): void {
    if (this.jsonEvents) this.event({ event: 'warning', message });
    else process.stdout.write(`${message}\n`);
  }

  success(): void {
    if (this.jsonEvents) this.event({ event: 'success' });
    else process.stdout.write('Authentication successful.\n');
  }
}

export function loginFailed(message: string): AuthError {
  return new AuthError('login_failed', message, ['Run `boltz-api auth login` again.', 'For a machine without a browser, try `boltz-api auth login --device-code`.']);
}

/** Runs one step of a login; anything but an auth error becomes `login_failed` with the reason. */
export async function loginStep<T>(what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw loginFailed(`${what}: ${describeOauthFailure(error)}`);
  }
}

/**
 * The end of both login flows (§6.3 steps 6–7): the identity, then refresh token, session and
 * config.yaml saved together under the session lock (rolled back if one of them fails), then
 * the success report.
 */
export async function completeSignIn(
  context: { globals: GlobalOptions; state: StoredState; profile: OauthProfile; api: ApiConnection; reporter: LoginReporter },
  as: AuthorizationServer,
  tokens: TokenEndpointResponse,
): Promise<void> {
  const { globals, state, profile, api, reporter } = context;
  const identity = await loginStep('reading the identity failed', () => fetchIdentity(as, profile, tokens));
  const session = sessionRecord(as, profile, tokens, identity);
  const config = profileConfig(profile, state.readConfig());
  if (!config.selected_org && !profile.selectedOrg) {
    // Remember the organization the server picks for this user, so that later commands (and
    // `auth status`) name it; `auth orgs` lists the others and `auth switch-org` changes it.
    try {
      const me = await api.bearerClient(async () => ({ token: tokens.access_token })).auth.me();
      if (me.principal_type === 'user' && me.selected_organization_id) config.selected_org = me.selected_organization_id;
    } catch (error) {
      reporter.warning(`Signed in, but the organization could not be looked up: ${(error as Error).message}`);
    }
  }
  try {
    await withSessionLock(state.paths.lock, async () =>
      state.saveTogether({
        credentials: tokens.refresh_token ? credentialsJson(tokens.refresh_token) : null,
        session: sessionJson(session),
        config: state.serializeConfig(config),
      }),
    );
  } catch (error) {
    if (error instanceof SessionLockError) throw loginFailed(error.message);
    throw error;
  }
  reporter.success();
  const apiKey = resolveApiKey(globals);
  if (apiKey) {
    const name = apiKey.source === 'flag' ? '--api-key' : apiKey.source;
    reporter.warning(`Note: an API key (${name}) is set and is used instead of this sign-in until you unset it.`);
  }
}
