import { createHash, randomBytes } from 'node:crypto';
import type { Storage } from '@boltz/storage';
import { createUser } from '../src/user-administration.ts';
import { FormBrowser, type Page } from './form-browser.ts';

/** What the official CLI sends (spec/CLI.md §6.3, §6.4). */
export const CLI_SCOPE = 'openid offline_access profile email compute:run';
export const CLI_RESOURCE = 'boltz-compute-api';

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  expires_in: number;
  scope?: string;
}

export async function tokenRequest(baseURL: string, form: Record<string, string>): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseURL}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: 'boltz-cli', resource: CLI_RESOURCE, ...form }),
  });
  return { status: response.status, body: await response.json() };
}

export async function createTestUser(storage: Storage, email: string, role: 'admin' | 'member', organizationId?: string) {
  const password = `pw-${randomBytes(9).toString('hex')}`;
  const user = await createUser(storage, { email, password, role, organizationId });
  return { ...user, password };
}

/** Device authorization start (RFC 8628 §3.1), as the CLI does it. */
export async function startDeviceAuthorization(baseURL: string) {
  const response = await fetch(`${baseURL}/oauth/device/code`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: 'boltz-cli', scope: CLI_SCOPE, resource: CLI_RESOURCE }),
  });
  if (response.status !== 200) throw new Error(`device authorization: ${response.status} ${await response.text()}`);
  return (await response.json()) as { device_code: string; user_code: string; verification_uri: string; verification_uri_complete: string; interval?: number };
}

/** Enter the user code, approve the device, sign in and consent, in a form browser. */
export async function approveDevice(baseURL: string, userCode: string, credentials: { email: string; password: string }): Promise<Page> {
  const browser = new FormBrowser(baseURL);
  const input = await browser.get('/oauth/device');
  const confirm = await browser.submit(input, 'op.deviceInputForm', { user_code: userCode });
  const signIn = await browser.submit(confirm, 'op.deviceConfirmForm', {});
  const consent = await browser.submit(signIn, 0, { email: credentials.email, password: credentials.password });
  return browser.submit(consent, 0, {});
}

export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

/** The browser flow up to the loopback redirect; returns the code the CLI would receive. */
export async function authorizeWithPkce(baseURL: string, credentials: { email: string; password: string }, port = 8421, scope = CLI_SCOPE) {
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(24).toString('base64url');
  const redirectUri = `http://127.0.0.1:${port}/oauth/callback`;
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: 'boltz-cli',
    redirect_uri: redirectUri,
    scope,
    state,
    access_type: 'offline',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    nonce: randomBytes(24).toString('base64url'),
    audience: CLI_RESOURCE,
    resource: CLI_RESOURCE,
  });
  const browser = new FormBrowser(baseURL);
  const signIn = await browser.get(`/oauth/authorize?${query}`);
  const consent = await browser.submit(signIn, 0, { email: credentials.email, password: credentials.password });
  const callback = await browser.submit(consent, 0, {});
  const url = new URL(callback.url);
  return { url, code: url.searchParams.get('code'), state, expectedState: state, verifier, redirectUri, returnedState: url.searchParams.get('state') };
}
