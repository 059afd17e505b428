import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOrganization } from '../bootstrap.ts';
import { FormBrowser } from '../../test/form-browser.ts';
import { rawRequest, startTestServer, type TestServer } from '../../test/harness.ts';
import {
  approveDevice,
  authorizeWithPkce,
  createTestUser,
  startDeviceAuthorization,
  tokenRequest,
  type Tokens,
} from '../../test/oauth-client.ts';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('OAuth authorization server and Bearer access', () => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof createTestUser>>;
  let member: Awaited<ReturnType<typeof createTestUser>>;
  let otherOrganizationId: string;

  before(async () => {
    server = await startTestServer();
    admin = await createTestUser(server.storage, 'Ada@Example.org', 'admin');
    member = await createTestUser(server.storage, 'member@example.org', 'member');
    ({ organizationId: otherOrganizationId } = await createOrganization(server.storage, 'Other org'));
  });
  after(() => server.close());

  async function deviceLogin(credentials: { email: string; password: string }): Promise<Tokens> {
    const device = await startDeviceAuthorization(server.baseURL);
    const done = await approveDevice(server.baseURL, device.user_code, credentials);
    assert.match(done.html, /You're signed in/);
    const token = await tokenRequest(server.baseURL, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code });
    assert.equal(token.status, 200, JSON.stringify(token.body));
    return token.body as Tokens;
  }

  it('publishes discovery with the server as issuer and the CLI endpoints', async () => {
    const response = await rawRequest(server, 'GET', '/.well-known/openid-configuration');
    assert.equal(response.status, 200);
    assert.equal(response.body.issuer, server.baseURL);
    for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'device_authorization_endpoint', 'revocation_endpoint', 'userinfo_endpoint', 'jwks_uri']) {
      assert.ok(String(response.body[endpoint]).startsWith(`${server.baseURL}/oauth/`), endpoint);
    }
    assert.deepEqual(response.body.code_challenge_methods_supported, ['S256']);
  });

  it('device code: approve in the browser, then the API answers the user with their organizations', async () => {
    const tokens = await deviceLogin(admin);
    assert.ok(tokens.refresh_token, 'a refresh token is issued');
    const me = await rawRequest(server, 'GET', '/compute/v1/auth/me', { headers: bearer(tokens.access_token) });
    assert.equal(me.status, 200, me.text);
    assert.deepEqual(me.body, {
      principal_type: 'user',
      user_id: admin.id,
      active_organization_id: server.organizationId,
      selected_organization_id: server.organizationId,
      organization_memberships: [{ organization_id: server.organizationId, compute_role: 'admin', organization_name: 'Default organization' }],
    });
    const workspaces = await rawRequest(server, 'GET', '/compute/v1/admin/workspaces', { headers: bearer(tokens.access_token) });
    assert.equal(workspaces.status, 200);
  });

  it('a member may not use admin endpoints; an organization that is not theirs is 403', async () => {
    const tokens = await deviceLogin(member);
    const workspaces = await rawRequest(server, 'GET', '/compute/v1/admin/workspaces', { headers: bearer(tokens.access_token) });
    assert.equal(workspaces.status, 403);
    assert.equal(workspaces.body.code, 'forbidden');
    const me = await rawRequest(server, 'GET', '/compute/v1/auth/me', { headers: bearer(tokens.access_token) });
    assert.equal(me.status, 200);
    const foreign = await rawRequest(server, 'GET', '/compute/v1/auth/me', {
      headers: { ...bearer(tokens.access_token), 'x-boltz-organization-id': otherOrganizationId },
    });
    assert.equal(foreign.status, 403);
  });

  it('a member runs jobs in live mode in any workspace of the organization, defaulting to the default one', async () => {
    const tokens = await deviceLogin(member);
    const headers = { ...bearer(tokens.access_token), 'content-type': 'application/json' };
    const adme = { model: 'adme-v1', input: { molecules: [{ smiles: 'CCO' }] } };
    const estimate = await rawRequest(server, 'POST', '/compute/v1/predictions/adme/estimate-cost', { headers, body: JSON.stringify(adme) });
    assert.equal(estimate.status, 200, estimate.text);
    assert.equal(estimate.body.breakdown.num_units, 1);
    const list = await rawRequest(server, 'GET', '/compute/v1/predictions/adme', { headers: bearer(tokens.access_token) });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.data, []);
    // Users always act live; this deployment has no live ADME engine, which the start says.
    const start = await rawRequest(server, 'POST', '/compute/v1/predictions/adme', { headers, body: JSON.stringify(adme) });
    assert.equal(start.status, 501);
    assert.equal(start.body.code, 'engine_unavailable');
    const foreign = await rawRequest(server, 'POST', '/compute/v1/predictions/adme/estimate-cost', {
      headers,
      body: JSON.stringify({ ...adme, workspace_id: otherOrganizationId.replace('org_', 'ws_') }),
    });
    assert.equal(foreign.status, 404);
  });

  it('authorization code + PKCE on a loopback redirect, then refresh rotation; replaying a rotated refresh token revokes the grant', async () => {
    const flow = await authorizeWithPkce(server.baseURL, admin, 53123);
    assert.equal(flow.url.origin, 'http://127.0.0.1:53123');
    assert.equal(flow.returnedState, flow.expectedState);
    const first = await tokenRequest(server.baseURL, { grant_type: 'authorization_code', code: flow.code!, redirect_uri: flow.redirectUri, code_verifier: flow.verifier });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.ok(first.body.refresh_token && first.body.id_token);

    const refreshed = await tokenRequest(server.baseURL, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.notEqual(refreshed.body.refresh_token, first.body.refresh_token, 'refresh tokens rotate');
    const me = await rawRequest(server, 'GET', '/compute/v1/auth/me', { headers: bearer(refreshed.body.access_token) });
    assert.equal(me.status, 200);

    const replay = await tokenRequest(server.baseURL, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    assert.equal(replay.body.error, 'invalid_grant');
    // Replaying a rotated refresh token is treated as theft: the whole grant dies.
    const afterReplay = await tokenRequest(server.baseURL, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token });
    assert.equal(afterReplay.body.error, 'invalid_grant');
  });

  it('a reused authorization code fails and revokes what the first exchange issued', async () => {
    const flow = await authorizeWithPkce(server.baseURL, admin);
    const exchange = { grant_type: 'authorization_code', code: flow.code!, redirect_uri: flow.redirectUri, code_verifier: flow.verifier };
    const first = await tokenRequest(server.baseURL, exchange);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const reused = await tokenRequest(server.baseURL, exchange);
    assert.equal(reused.status, 400);
    assert.equal(reused.body.error, 'invalid_grant');
    const refresh = await tokenRequest(server.baseURL, { grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    assert.equal(refresh.body.error, 'invalid_grant');
  });

  it('a PKCE exchange without the right verifier fails', async () => {
    const flow = await authorizeWithPkce(server.baseURL, admin);
    const wrong = await tokenRequest(server.baseURL, { grant_type: 'authorization_code', code: flow.code!, redirect_uri: flow.redirectUri, code_verifier: 'x'.repeat(43) });
    assert.equal(wrong.body.error, 'invalid_grant');
  });

  it('revoking the refresh token (sign-out) makes the access token fail with 401', async () => {
    const tokens = await deviceLogin(admin);
    const revoke = await fetch(`${server.baseURL}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tokens.refresh_token!, token_type_hint: 'refresh_token', client_id: 'boltz-cli' }),
    });
    assert.equal(revoke.status, 200);
    const me = await rawRequest(server, 'GET', '/compute/v1/auth/me', { headers: bearer(tokens.access_token) });
    assert.equal(me.status, 401);
    assert.equal(me.body.code, 'unauthorized');
  });

  it('tampered and foreign tokens are 401', async () => {
    const tokens = await deviceLogin(member);
    const [header, payload, signature] = tokens.access_token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: admin.id })).toString('base64url')}.${signature}`;
    for (const token of [forged, `${tokens.access_token}x`, 'not-a-jwt', tokens.id_token!]) {
      const me = await rawRequest(server, 'GET', '/compute/v1/auth/me', { headers: bearer(token) });
      assert.equal(me.status, 401, token.slice(0, 20));
    }
  });

  it('a wrong password is refused on the sign-in page and creates no session', async () => {
    const device = await startDeviceAuthorization(server.baseURL);
    const browser = new FormBrowser(server.baseURL);
    const input = await browser.get('/oauth/device');
    const confirm = await browser.submit(input, 'op.deviceInputForm', { user_code: device.user_code });
    const signIn = await browser.submit(confirm, 'op.deviceConfirmForm', {});
    const refused = await browser.submit(signIn, 0, { email: admin.email, password: 'wrong password!' });
    assert.equal(refused.status, 401);
    assert.match(refused.html, /Incorrect email or password/);
    const noCsrf = await browser.submit(signIn, 0, { email: admin.email, password: admin.password, csrf: 'forged' });
    assert.equal(noCsrf.status, 403);
    const pending = await tokenRequest(server.baseURL, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code });
    assert.equal(pending.body.error, 'authorization_pending');
  });

  it('a denied device code ends with access_denied', async () => {
    const device = await startDeviceAuthorization(server.baseURL);
    const browser = new FormBrowser(server.baseURL);
    const input = await browser.get('/oauth/device');
    const confirm = await browser.submit(input, 'op.deviceInputForm', { user_code: device.user_code });
    assert.match(confirm.html, /Approve the CLI on/);
    const denied = await browser.submit(confirm, 'op.deviceConfirmForm', { abort: 'yes' });
    assert.equal(denied.status, 200);
    const token = await tokenRequest(server.baseURL, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code });
    assert.equal(token.body.error, 'access_denied');
  });

  it('advertises a 5 s poll interval and answers slow_down to a client polling faster', async () => {
    const device = await startDeviceAuthorization(server.baseURL);
    assert.equal(device.interval, 5);
    const poll = { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code };
    assert.equal((await tokenRequest(server.baseURL, poll)).body.error, 'authorization_pending');
    const tooSoon = await tokenRequest(server.baseURL, poll);
    assert.equal(tooSoon.status, 400);
    assert.equal(tooSoon.body.error, 'slow_down');
  });

  it('an expired device code ends with expired_token', async () => {
    const device = await startDeviceAuthorization(server.baseURL);
    const rows = await server.storage.db.selectFrom('oauth_models').selectAll().where('model', '=', 'DeviceCode').execute();
    const row = rows.find((r) => JSON.parse(r.payload).userCode === device.user_code.replace('-', ''));
    assert.ok(row, 'device code row');
    const payload = { ...JSON.parse(row.payload), exp: Math.floor(Date.now() / 1000) - 5 };
    await server.storage.db.updateTable('oauth_models').set({ payload: JSON.stringify(payload) }).where('model', '=', 'DeviceCode').where('id', '=', row.id).execute();
    const token = await tokenRequest(server.baseURL, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code });
    assert.equal(token.body.error, 'expired_token');
  });

  it('sign-in attempts are rate limited', async () => {
    const limited = await startTestServer({ SIGN_IN_MAX_ATTEMPTS: '2' });
    try {
      const user = await createTestUser(limited.storage, 'rate@example.org', 'member');
      const device = await startDeviceAuthorization(limited.baseURL);
      const browser = new FormBrowser(limited.baseURL);
      const input = await browser.get('/oauth/device');
      const confirm = await browser.submit(input, 'op.deviceInputForm', { user_code: device.user_code });
      const signIn = await browser.submit(confirm, 'op.deviceConfirmForm', {});
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await browser.submit(signIn, 0, { email: user.email, password: 'nope nope nope' })).status);
      assert.deepEqual(statuses, [401, 401, 429]);
      const blocked = await browser.submit(signIn, 0, { email: user.email, password: user.password });
      assert.equal(blocked.status, 429, 'even the right password waits out the window');
    } finally {
      await limited.close();
    }
  });
});
