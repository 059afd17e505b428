import { AuthError } from '../errors.ts';
import { accessTokenUsable } from './profile.ts';
import { ResponseBodyError, describeOauthFailure, refreshTokens } from './protocol.ts';
import { SessionLockError, withSessionLock } from './session-lock.ts';
import { type StoredSession, type StoredState, credentialsJson, sessionJson } from './stored-state.ts';

export function reauthRequired(reason: string): AuthError {
  return new AuthError('reauth_required', `${reason}; sign in again.`, ['Run `boltz-api auth login` again.']);
}

/** Forgets the sign-in but keeps config.yaml (§6.5, §6.7 logout). Call under the session lock. */
export function clearSignIn(state: StoredState): void {
  state.remove('session');
  state.remove('credentials');
}

/**
 * A usable access token for the stored session (CLI.md §6.5): the stored one while it has more
 * than 60 s left, else a refresh under the session lock. Inside the lock the session is read
 * again, because another process may have refreshed (and rotated the refresh token) meanwhile.
 */
export async function freshSession(state: StoredState): Promise<{ session: StoredSession; refreshed: boolean }> {
  const session = state.readSession();
  if (!session) throw reauthRequired('No OAuth session is stored');
  if (accessTokenUsable(session)) return { session, refreshed: false };
  try {
    return await withSessionLock(state.paths.lock, () => refreshLocked(state));
  } catch (error) {
    if (error instanceof SessionLockError) throw new AuthError('token_refresh_failed', error.message, ['Check that the boltz-api cache directory is writable; another boltz-api process may hold the lock.']);
    throw error;
  }
}

async function refreshLocked(state: StoredState): Promise<{ session: StoredSession; refreshed: boolean }> {
  const current = state.readSession();
  if (!current) throw reauthRequired('The OAuth session was removed');
  if (accessTokenUsable(current)) return { session: current, refreshed: false };
  const refreshToken = state.readRefreshToken();
  if (!refreshToken) {
    clearSignIn(state);
    throw reauthRequired('The access token has expired and no refresh token is stored');
  }
  let tokens;
  try {
    tokens = await refreshTokens(current, refreshToken);
  } catch (error) {
    if (error instanceof ResponseBodyError && error.error === 'invalid_grant') {
      clearSignIn(state);
      throw reauthRequired(`The refresh token was rejected (${describeOauthFailure(error)})`);
    }
    throw new AuthError('token_refresh_failed', `Could not refresh the access token: ${describeOauthFailure(error)}`, [
      'Check your network connection and try again.',
      'Run `boltz-api auth login` again if the problem persists.',
    ]);
  }
  const now = new Date();
  const updated: StoredSession = {
    ...current,
    access_token: tokens.access_token,
    token_type: tokens.token_type,
    expiry: tokens.expires_in !== undefined ? new Date(now.getTime() + tokens.expires_in * 1000).toISOString() : null,
    id_token: tokens.id_token ?? current.id_token,
    granted_scopes: tokens.scope ? tokens.scope.split(' ').filter(Boolean) : current.granted_scopes,
    updated_at: now.toISOString(),
  };
  // The server rotates refresh tokens and the old one is now spent: the new one is saved first
  // and on its own, so that a failure to save the session cannot roll it back.
  if (tokens.refresh_token) state.saveTogether({ credentials: credentialsJson(tokens.refresh_token) });
  state.saveTogether({ session: sessionJson(updated) });
  return { session: updated, refreshed: true };
}
