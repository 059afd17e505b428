import { AuthError, authRequired } from '../errors.ts';
import type { GlobalOptions } from '../global-flags.ts';
import { type OauthProfile, resolveOauthProfile, sessionMatches } from './profile.ts';
import { type StoredSession, StoredState } from './stored-state.ts';
import { freshSession } from './token-refresh.ts';

export interface Bearer {
  token: string;
  organization?: string;
}

export function sessionMismatch(session: StoredSession, profile: OauthProfile): AuthError {
  return new AuthError(
    'session_mismatch',
    `The stored OAuth session was made for issuer ${session.issuer_url}, client ${session.client_id}, audience ${session.audience} and scopes "${(session.scopes ?? []).join(' ')}", ` +
      `but this command resolves issuer ${profile.issuerUrl}, client ${profile.clientId}, audience ${profile.audience} and scopes "${profile.scopes.join(' ')}".`,
    ['Run `boltz-api auth login` to sign in with the current settings.', 'Run `boltz-api auth status` to see where each setting comes from.'],
  );
}

/**
 * The stored sign-in for API calls (CLI.md §6.1 step 4): only a session made for the resolved
 * issuer, client, audience and scopes is used. The access token is resolved once per process.
 */
export function openSignedInSession(globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env) {
  const state = new StoredState(env);
  const profile = resolveOauthProfile(globals, state.readConfig(), env);
  const session = state.readSession();
  if (!session) throw authRequired();
  if (!sessionMatches(session, profile)) throw sessionMismatch(session, profile);
  let token: Promise<string> | undefined;
  return {
    async bearer(): Promise<Bearer> {
      token ??= freshSession(state).then(({ session: fresh }) => fresh.access_token);
      return { token: await token, organization: profile.selectedOrg ?? undefined };
    },
  };
}
