import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FormBrowser } from '../../test/form-browser.ts';
import { rawRequest, startTestServer, type TestServer } from '../../test/harness.ts';
import { approveDevice, authorizeWithPkce, createTestUser, startDeviceAuthorization, tokenRequest, type Tokens } from '../../test/oauth-client.ts';

/**
 * Findings of a hostile review of the OAuth server (issue 11), each reproduced here first:
 * concurrent refreshes with one token, tokens without the API scope, the device pages, and
 * sign-in throttling that an attacker could turn against a user.
 */
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

describe('OAuth hardening', () => {
  let server: TestServer;
  let user: Awaited<ReturnType<typeof createTestUser>>;

  before(async () => {
    // Behind one trusted proxy, so that tests can speak from several client addresses.
    server = await startTestServer({ TRUST_PROXY: '1', SIGN_IN_MAX_ATTEMPTS: '3', DEVICE_CODE_MAX_ATTEMPTS: '4' });
    user = await createTestUser(server.storage, 'grace@example.org', 'member');
  });
  after(() => server.close());

  async function pkceTokens(scope?: string): Promise<Tokens> {
    const flow = await authorizeWithPkce(server.baseURL, user, 8421, scope);
    const exchange = await tokenRequest(server.baseURL, { grant_type: 'authorization_code', code: flow.code!, redirect_uri: flow.redirectUri, code_verifier: flow.verifier });
    assert.equal(exchange.status, 200, JSON.stringify(exchange.body));
    return exchange.body as Tokens;
  }

  it('eight concurrent refreshes with one refresh token: one succeeds, the rest fail, and the reuse revokes the grant', async () => {
    const tokens = await pkceTokens();
    const attempts = await Promise.all(Array.from({ length: 8 }, () => tokenRequest(server.baseURL, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! })));
    const succeeded = attempts.filter((attempt) => attempt.status === 200);
    assert.equal(succeeded.length, 1, JSON.stringify(attempts.map((attempt) => [attempt.status, attempt.body.error])));
    for (const attempt of attempts.filter((a) => a.status !== 200)) assert.equal(attempt.body.error, 'invalid_grant');
    // Seven replays of a spent token are reuse: the chain the winner started is revoked too.
    const next = await tokenRequest(server.baseURL, { grant_type: 'refresh_token', refresh_token: succeeded[0].body.refresh_token });
    assert.equal(next.body.error, 'invalid_grant');
    const me = await rawRequest(server, 'GET', '/compute/v1/auth/me', { headers: bearer(succeeded[0].body.access_token) });
    assert.equal(me.status, 401);
  });

  it('an access token without the compute:run scope is refused with 403', async () => {
    const tokens = await pkceTokens('openid offline_access profile email');
    assert.ok(!String(tokens.scope ?? '').split(' ').includes('compute:run'), tokens.scope);
    for (const path of ['/compute/v1/auth/me', '/compute/v1/predictions/adme']) {
      const response = await rawRequest(server, 'GET', path, { headers: bearer(tokens.access_token) });
      assert.equal(response.status, 403, response.text);
      assert.match(response.body.message, /compute:run/);
    }
    const granted = await pkceTokens();
    assert.equal((await rawRequest(server, 'GET', '/compute/v1/auth/me', { headers: bearer(granted.access_token) })).status, 200);
  });

  it('POST /oauth/device without the page\'s cookie is a 400 page, not a 500', async () => {
    const device = await startDeviceAuthorization(server.baseURL);
    const browser = new FormBrowser(server.baseURL);
    const input = await browser.get('/oauth/device');
    const xsrf = /name="xsrf" value="([^"]*)"/.exec(input.html)?.[1] ?? '';
    const forms: Array<Record<string, string>> = [{ user_code: device.user_code }, { xsrf, user_code: device.user_code }, { xsrf, confirm: 'yes' }];
    for (const form of forms) {
      const response = await fetch(`${server.baseURL}/oauth/device`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '192.0.2.50' },
        body: new URLSearchParams(form),
      });
      assert.equal(response.status, 400, `${JSON.stringify(form)}: ${response.status}`);
      assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    }
  });

  it('device code entry is rate limited per client address', async () => {
    const attacker = new FormBrowser(server.baseURL, { 'x-forwarded-for': '203.0.113.66' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const input = await attacker.get('/oauth/device');
      statuses.push((await attacker.submit(input, 'op.deviceInputForm', { user_code: `BCDF-GHJ${'KLMNP'[i]}` })).status);
    }
    assert.deepEqual(statuses.slice(-1), [429]);
    assert.ok(statuses.slice(0, 4).every((status) => status === 200 || status === 400), JSON.stringify(statuses));
    // Someone else, elsewhere, still enters their code.
    const device = await startDeviceAuthorization(server.baseURL);
    const done = await approveDevice(server.baseURL, device.user_code, user);
    assert.match(done.html, /You're signed in/);
  });

  it('failed sign-ins lock out the address that made them, not the user signing in from elsewhere; successes do not count', async () => {
    const signInPage = async (browser: FormBrowser) => {
      const device = await startDeviceAuthorization(server.baseURL);
      const input = await browser.get('/oauth/device');
      const confirm = await browser.submit(input, 'op.deviceInputForm', { user_code: device.user_code });
      return { device, page: await browser.submit(confirm, 'op.deviceConfirmForm', {}) };
    };
    const attacker = new FormBrowser(server.baseURL, { 'x-forwarded-for': '198.51.100.23' });
    const { page: attackerPage } = await signInPage(attacker);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await attacker.submit(attackerPage, 0, { email: user.email, password: 'guessing, guessing' })).status);
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);

    // The user, from their own address, signs in more often than the limit allows failures.
    for (let i = 0; i < 4; i++) {
      const browser = new FormBrowser(server.baseURL, { 'x-forwarded-for': '192.0.2.10' });
      const { device, page } = await signInPage(browser);
      const consent = await browser.submit(page, 0, { email: user.email, password: user.password });
      assert.equal(consent.status, 200, consent.html.slice(0, 300));
      const done = await browser.submit(consent, 0, {});
      assert.match(done.html, /You're signed in/);
      const token = await tokenRequest(server.baseURL, { grant_type: DEVICE_GRANT, device_code: device.device_code });
      assert.equal(token.status, 200);
    }
  });

  it("a member no longer sees the jobs of an archived workspace (list, retrieve), as the workspace's keys stop working", async () => {
    const admin = server.client(server.liveAdminKey);
    const workspace = await admin.admin.workspaces.create({ name: 'Soon archived' });
    // A live job in it, as a member's start would have made (no live engine is needed to read it).
    const now = new Date().toISOString();
    const jobId = `adme_pred_hidden${Date.now()}`;
    await server.storage.jobs.insert({
      id: jobId,
      organization_id: server.organizationId,
      workspace_id: workspace.id,
      kind: 'adme',
      mode: 'live',
      status: 'pending',
      model: 'adme-v1',
      version: 'test',
      progress: null,
      checkpoint: null,
      stopped_at: null,
      input: JSON.stringify({ molecules: [{ smiles: 'CCO' }] }),
      input_files: '{}',
      output: null,
      error: null,
      idempotency_key: null,
      request_fingerprint: 'x',
      billed_units: 1,
      cost_milli_usd: 0,
      created_at: now,
      started_at: null,
      completed_at: null,
      expires_at: null,
      data_deleted_at: null,
      run_after: '2999-01-01T00:00:00.000Z',
      lease_owner: null,
      lease_expires_at: null,
    });
    const tokens = await pkceTokens();
    const list = () => rawRequest(server, 'GET', `/compute/v1/predictions/adme?workspace_id=${workspace.id}`, { headers: bearer(tokens.access_token) });
    const retrieve = () => rawRequest(server, 'GET', `/compute/v1/predictions/adme/${jobId}`, { headers: bearer(tokens.access_token) });
    assert.deepEqual((await list()).body.data.map((job: { id: string }) => job.id), [jobId]);
    assert.equal((await retrieve()).status, 200);

    await admin.admin.workspaces.archive(workspace.id);
    const afterArchive = await list();
    assert.equal(afterArchive.status, 200);
    assert.deepEqual(afterArchive.body.data, []);
    const hidden = await retrieve();
    assert.equal(hidden.status, 404, hidden.text);
    // Administrators keep seeing them.
    assert.equal((await admin.predictions.adme.retrieve(jobId)).id, jobId);
  });
});

