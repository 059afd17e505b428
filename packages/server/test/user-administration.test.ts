import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateApiKey } from '@boltz/shared';
import { FormBrowser } from './form-browser.ts';
import type { TestDatabaseLocation } from '../../storage/test/test-database.ts';
import { createTestDatabaseLocation, rawRequest } from './harness.ts';
import { approveDevice, startDeviceAuthorization, tokenRequest, type Tokens } from './oauth-client.ts';
import { type ServerProcess, runServerCommand, startServerProcess } from './server-process.ts';

/**
 * `boltz-server user …` against a running server on the same database (issue 11, issue 13):
 * a password reset, disabling, deleting and removing a membership each end the user's
 * sign-ins at once — the access token in hand is refused on the next request and the refresh
 * token no longer refreshes — with no restart and no cache to wait out.
 */
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('boltz-server user: list, reset-password, disable, enable, remove-from-org, delete', () => {
  let location: TestDatabaseLocation;
  let server: ServerProcess;
  let organizationId: string;
  const adminKey = generateApiKey('admin', 'live');

  const command = async (...args: string[]) => {
    const result = await runServerCommand(['user', ...args], location.env);
    assert.equal(result.code, 0, `user ${args.join(' ')}: ${result.stderr}`);
    return result;
  };

  async function signIn(email: string, password: string): Promise<Tokens> {
    const device = await startDeviceAuthorization(server.baseURL);
    const done = await approveDevice(server.baseURL, device.user_code, { email, password });
    assert.match(done.html, /You're signed in/);
    const token = await tokenRequest(server.baseURL, { grant_type: DEVICE_GRANT, device_code: device.device_code });
    assert.equal(token.status, 200, JSON.stringify(token.body));
    return token.body as Tokens;
  }

  const me = (tokens: Tokens) => rawRequest(server, 'GET', '/compute/v1/auth/me', { headers: bearer(tokens.access_token) });
  const refresh = (tokens: Tokens) => tokenRequest(server.baseURL, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });

  /** What every revocation must achieve: the next request and the next refresh both fail. */
  async function assertSignedOut(tokens: Tokens, status = 401) {
    const response = await me(tokens);
    assert.equal(response.status, status, response.text);
    assert.equal((await refresh(tokens)).body.error, 'invalid_grant');
  }

  before(async () => {
    location = await createTestDatabaseLocation();
    server = await startServerProcess({ ...location.env, BOLTZ_BOOTSTRAP_ADMIN_KEY: adminKey, LOG_LEVEL: 'warn' });
    organizationId = (await rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: adminKey })).body.organization_id;
  });
  after(async () => {
    await server.stop();
    await location.dispose();
  });

  it('reset-password ends the sign-ins made with the old password', async () => {
    await command('create', '--email', 'ada@example.org', '--password', 'first password 1');
    const tokens = await signIn('ada@example.org', 'first password 1');
    assert.equal((await me(tokens)).status, 200);
    await command('reset-password', '--email', 'ada@example.org', '--password', 'second password 2');
    await assertSignedOut(tokens);
    assert.equal((await me(await signIn('ada@example.org', 'second password 2'))).status, 200);
  });

  it('disable refuses the user at once and at sign-in; enable lets them back in; list shows both states', async () => {
    await command('create', '--email', 'bo@example.org', '--password', 'bo password 123');
    const tokens = await signIn('bo@example.org', 'bo password 123');
    await command('disable', '--email', 'bo@example.org');
    await assertSignedOut(tokens);

    const listed = JSON.parse((await command('list', '--json')).stdout) as Array<Record<string, unknown>>;
    const bo = listed.find((user) => user.email === 'bo@example.org');
    assert.ok(bo?.disabled_at, JSON.stringify(bo));
    assert.ok(listed.every((user) => !('password_hash' in user)), 'no password hash is printed');
    assert.match((await command('list')).stdout, /bo@example\.org\s+user_\w+\s+disabled \d{4}-/);

    const browser = new FormBrowser(server.baseURL);
    const device = await startDeviceAuthorization(server.baseURL);
    const input = await browser.get('/oauth/device');
    const confirm = await browser.submit(input, 'op.deviceInputForm', { user_code: device.user_code });
    const signInPage = await browser.submit(confirm, 'op.deviceConfirmForm', {});
    const refused = await browser.submit(signInPage, 0, { email: 'bo@example.org', password: 'bo password 123' });
    assert.equal(refused.status, 403);
    assert.match(refused.html, /disabled/);

    await command('enable', '--email', 'bo@example.org');
    assert.equal((await me(await signIn('bo@example.org', 'bo password 123'))).status, 200);
    assert.match((await command('list')).stdout, /bo@example\.org\s+user_\w+\s+active/);
  });

  it('remove-from-org takes the membership away and ends the sign-ins', async () => {
    await command('create', '--email', 'cy@example.org', '--password', 'cy password 123', '--role', 'admin');
    const tokens = await signIn('cy@example.org', 'cy password 123');
    assert.equal((await rawRequest(server, 'GET', '/compute/v1/admin/workspaces', { headers: bearer(tokens.access_token) })).status, 200);
    const removed = await command('remove-from-org', '--email', 'cy@example.org', '--organization', organizationId);
    assert.match(removed.stderr, /no longer a member/);
    await assertSignedOut(tokens);
    const again = await runServerCommand(['user', 'remove-from-org', '--email', 'cy@example.org', '--organization', organizationId], location.env);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /is not a member/);
  });

  it('delete removes the account: its tokens stop, its email is free, it is no longer listed', async () => {
    await command('create', '--email', 'di@example.org', '--password', 'di password 123');
    const tokens = await signIn('di@example.org', 'di password 123');
    await command('delete', '--email', 'di@example.org');
    await assertSignedOut(tokens);
    assert.doesNotMatch((await command('list')).stdout, /di@example\.org/);
    await command('create', '--email', 'di@example.org', '--password', 'di password 456');
  });
});
