import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import YAML from 'yaml';
import { FormBrowser } from '../../server/test/form-browser.ts';
import { createOrganization } from '../../server/src/bootstrap.ts';
import { startTestServer, type TestServer } from '../../server/test/harness.ts';
import { createTestUser, tokenRequest } from '../../server/test/oauth-client.ts';
import { type CliHome, RunningCli, deviceSignIn, newCliHome, readRefreshToken, readSession, runCli } from './oauth-cli.ts';

const mode = (path: string) => statSync(path).mode & 0o777;
const json = (text: string) => JSON.parse(text);

/** The stored sign-in (CLI.md §6.5–§6.7, §8): files, refresh, auth commands, failures. */
describe('boltz-api OAuth session', () => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof createTestUser>>;
  let otherOrganizationId: string;
  let foreignOrganizationId: string;
  /** Read-mostly sign-in; tests that break a session use their own. */
  let home: CliHome;
  let refreshHome: CliHome;
  let rejectHome: CliHome;
  let loginOutput: string;
  let loginWithApiKeyOutput: string;

  async function addOrganization(name: string): Promise<string> {
    return (await createOrganization(server.storage, name)).organizationId;
  }

  before(async () => {
    server = await startTestServer();
    admin = await createTestUser(server.storage, 'ada@example.org', 'admin');
    otherOrganizationId = await addOrganization('Second lab');
    foreignOrganizationId = await addOrganization('Not ours');
    await server.storage.users.putMembership(otherOrganizationId, admin.id, 'member', new Date().toISOString());
    [home, refreshHome, rejectHome] = [newCliHome(server), newCliHome(server), newCliHome(server)];
    // Each device login waits at least one poll interval (5 s): sign the three homes in at once.
    // rejectHome signs in with an API key set, which keeps winning afterwards: the login says so.
    const withApiKey = { ...rejectHome, env: { ...rejectHome.env, BOLTZ_API_KEY: server.liveAdminKey } };
    const results = await Promise.all([home, refreshHome, withApiKey].map((h) => deviceSignIn(server, h, admin)));
    for (const result of results) assert.equal(result.code, 0, result.stdout + result.stderr);
    loginOutput = results[0].stdout;
    loginWithApiKeyOutput = results[2].stdout;
  });
  after(() => server.close());

  it('--json-events: auth_url, a warning when no browser opens, success (then a note when an API key still wins)', () => {
    const events = loginOutput.trimEnd().split('\n').map(json);
    assert.deepEqual(events.map((event) => event.event), ['auth_url', 'warning', 'success']);
    const [authUrl, warning] = events;
    assert.equal(authUrl.verification_uri, `${server.baseURL}/oauth/device`);
    assert.equal(authUrl.verification_uri_complete, `${authUrl.verification_uri}?user_code=${authUrl.user_code}`);
    assert.equal(authUrl.url, authUrl.verification_uri_complete);
    assert.match(authUrl.user_code, /^[A-Z]{4}-[A-Z]{4}$/);
    assert.equal(authUrl.interval, 5);
    assert.ok(authUrl.expires_in > 0);
    assert.match(warning.message, /^Could not open browser automatically: /);

    const withApiKey = loginWithApiKeyOutput.trimEnd().split('\n').map(json);
    assert.deepEqual(withApiKey.slice(-2), [{ event: 'success' }, { event: 'warning', message: 'Note: an API key (BOLTZ_API_KEY) is set and is used instead of this sign-in until you unset it.' }]);
  });

  it('stores config.yaml, session.json and credentials.json with 0600 files in 0700 directories', () => {
    for (const dir of [home.configDir, home.cacheDir]) assert.equal(mode(dir), 0o700, dir);
    for (const file of [join(home.configDir, 'config.yaml'), join(home.configDir, 'credentials.json'), join(home.cacheDir, 'session.json')]) {
      assert.equal(mode(file), 0o600, file);
    }
    assert.deepEqual(readdirSync(home.cacheDir), ['session.json'], 'no lock or temporary file is left behind');
    assert.deepEqual(readdirSync(home.configDir).sort(), ['config.yaml', 'credentials.json']);

    const config = YAML.parse(readFileSync(join(home.configDir, 'config.yaml'), 'utf8'));
    assert.deepEqual(config, {
      version: 1,
      issuer_url: server.baseURL,
      client_id: 'boltz-cli',
      scopes: ['openid', 'offline_access', 'profile', 'email', 'compute:run'],
      audience: 'boltz-compute-api',
      selected_org: server.organizationId,
    });
    const session = readSession(home);
    assert.equal(session.issuer_url, server.baseURL);
    assert.equal(session.token_url, `${server.baseURL}/oauth/token`);
    assert.equal(session.revocation_url, `${server.baseURL}/oauth/revoke`);
    assert.equal(session.storage_backend, 'file');
    assert.equal(session.identity.email, admin.email);
    assert.ok(Date.parse(session.expiry) > Date.now());
    assert.match(readRefreshToken(home), /\S{20,}/);
  });

  it('auth whoami, validate and wait --timeout 0 report the signed-in session', async () => {
    const [whoami, validate, wait] = await Promise.all([
      runCli(['auth', 'whoami'], { env: home.env }),
      runCli(['auth', 'validate'], { env: home.env }),
      runCli(['auth', 'wait', '--timeout', '0'], { env: home.env }),
    ]);
    assert.equal(whoami.code, 0, whoami.stderr);
    const info = json(whoami.stdout);
    assert.equal(info.mode, 'oauth');
    assert.equal(info.session_match, true);
    assert.equal(info.storage_backend, 'file');
    assert.equal(info.identity.subject, admin.id);
    assert.equal(info.sources.issuer_url, 'config');
    assert.equal(validate.code, 0, validate.stdout);
    assert.equal(json(validate.stdout).valid, true);
    assert.equal(json(validate.stdout).refreshed, false);
    assert.equal(wait.code, 0, wait.stdout);
    assert.deepEqual([json(wait.stdout).status, json(wait.stdout).timed_out, json(wait.stdout).timeout], ['success', false, '0s']);
  });

  it('auth orgs lists the memberships; switch-org selects one for later calls, --org overrides per call', async () => {
    const orgs = await runCli(['auth', 'orgs'], { env: home.env });
    assert.equal(orgs.code, 0, orgs.stderr);
    const listed = json(orgs.stdout);
    assert.equal(listed.principal_type, 'user');
    assert.equal(listed.selected_org, server.organizationId);
    assert.deepEqual(
      listed.organizations.sort((a: any, b: any) => (a.selected ? -1 : b.selected ? 1 : 0)),
      [
        { organization_id: server.organizationId, role: 'admin', selected: true, switchable: true },
        { organization_id: otherOrganizationId, role: 'member', selected: false, switchable: true },
      ],
    );

    const missing = await runCli(['auth', 'switch-org'], { env: home.env });
    assert.equal(missing.code, 1);
    assert.equal(json(missing.stdout).code, 'missing_org');

    const switched = await runCli(['auth', 'switch-org', otherOrganizationId], { env: home.env });
    assert.equal(switched.code, 0, switched.stderr);
    assert.deepEqual(json(switched.stdout), { selected_org: otherOrganizationId });
    assert.equal(YAML.parse(readFileSync(join(home.configDir, 'config.yaml'), 'utf8')).selected_org, otherOrganizationId);
    const [me, overridden, memberAdmin, organizations] = await Promise.all([
      runCli(['auth', 'me'], { env: home.env }),
      runCli(['auth', 'me', '--org', server.organizationId], { env: home.env }),
      runCli(['admin:workspaces', 'list'], { env: home.env }),
      runCli(['auth', 'organizations'], { env: home.env }),
    ]);
    assert.equal(json(me.stdout).selected_organization_id, otherOrganizationId, 'X-Boltz-Organization-Id from config.yaml');
    assert.equal(json(overridden.stdout).selected_organization_id, server.organizationId);
    assert.equal(memberAdmin.code, 1, 'a member of the selected organization is not its admin');
    assert.match(memberAdmin.stderr, /403 Forbidden/);
    assert.equal(json(organizations.stdout).selected_org, otherOrganizationId);

    const foreign = await runCli(['auth', 'me', '--org', foreignOrganizationId], { env: home.env });
    assert.equal(foreign.code, 1);
    assert.match(foreign.stderr, /403 Forbidden/);
    assert.equal((await runCli(['auth', 'switch-org', server.organizationId], { env: home.env })).code, 0);
  });

  it('API calls carry the Bearer token and X-Boltz-Organization-Id, no x-api-key; --debug redacts the token', async () => {
    const result = await runCli(['auth', 'me', '--debug'], { env: home.env });
    assert.equal(result.code, 0, result.stderr);
    const requestHeaders = result.stderr.split('\n< ')[0];
    assert.match(requestHeaders, /^authorization: <redacted>$/m);
    assert.match(requestHeaders, new RegExp(`^x-boltz-organization-id: ${server.organizationId}$`, 'm'));
    assert.doesNotMatch(requestHeaders, /^x-api-key:/m);
    assert.doesNotMatch(result.stderr, new RegExp(readSession(home).access_token));
  });

  it('slow_down from the token endpoint adds 5 s to the poll interval; --auth-token-url wins over discovery', async () => {
    // A token endpoint in front of the real one that asks the first device-code poll to slow down.
    const polls: number[] = [];
    const proxy = createHttpServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString();
      if (new URLSearchParams(body).get('grant_type') === 'urn:ietf:params:oauth:grant-type:device_code') {
        polls.push(Date.now());
        if (polls.length === 1) {
          response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'slow_down', error_description: 'too fast' }));
          return;
        }
      }
      const upstream = await fetch(`${server.baseURL}/oauth/token`, { method: 'POST', headers: { 'content-type': request.headers['content-type'] ?? '' }, body });
      response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(await upstream.text());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const tokenUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/oauth/token`;
      const slowHome = newCliHome(server);
      const result = await deviceSignIn(server, slowHome, admin, ['--auth-token-url', tokenUrl]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(polls.length, 2);
      assert.ok(polls[1] - polls[0] >= 9_900, `second poll ${polls[1] - polls[0]} ms after the first (interval 5 s + 5 s)`);
      assert.equal(readSession(slowHome).token_url, tokenUrl);
      assert.equal(YAML.parse(readFileSync(join(slowHome.configDir, 'config.yaml'), 'utf8')).token_url, tokenUrl);
    } finally {
      proxy.close();
    }
  });

  it('an API key wins over the stored session (api_key_overrides_oauth)', async () => {
    const env = { ...home.env, BOLTZ_API_KEY: server.liveAdminKey };
    const [status, me, orgs] = await Promise.all([
      runCli(['auth', 'status'], { env }),
      runCli(['auth', 'me'], { env }),
      runCli(['auth', 'orgs'], { env }),
    ]);
    const state = json(status.stdout);
    assert.equal(state.effective_mode, 'api_key');
    assert.equal(state.active_source, 'api_key');
    assert.equal(state.api_key_overrides_oauth, true);
    assert.equal(state.session_match, true);
    assert.equal(json(me.stdout).principal_type, 'api_key');
    const listed = json(orgs.stdout);
    assert.equal(listed.principal_type, 'api_key');
    assert.deepEqual(listed.organizations, [{ organization_id: server.organizationId, role: 'admin', selected: true, switchable: false }]);
    assert.equal(listed.api_key.key_type, 'admin');
  });

  it('a session made for other settings is not used: session_mismatch', async () => {
    const [me, status] = await Promise.all([
      runCli(['auth', 'me', '--auth-client-id', 'another-client'], { env: home.env }),
      runCli(['auth', 'status'], { env: { ...home.env, BOLTZ_API_AUTH_SCOPE: 'openid,compute:run' } }),
    ]);
    assert.equal(me.code, 1);
    assert.equal(me.stderr, '');
    const error = json(me.stdout);
    assert.equal(error.type, 'auth_error');
    assert.equal(error.code, 'session_mismatch');
    assert.equal(status.code, 1);
    assert.equal(json(status.stdout).session_match, false);
    assert.equal(json(status.stdout).sources.scopes, 'runtime');
  });

  it('an expired access token is refreshed under the lock (also by concurrent processes); logout revokes the refresh token', async () => {
    const expire = () => {
      const session = readSession(refreshHome);
      writeFileSync(join(refreshHome.cacheDir, 'session.json'), JSON.stringify({ ...session, expiry: new Date(Date.now() - 1000).toISOString() }));
      return session;
    };
    const before = expire();
    const firstRefreshToken = readRefreshToken(refreshHome);
    const validate = await runCli(['auth', 'validate'], { env: refreshHome.env });
    assert.equal(validate.code, 0, validate.stdout);
    assert.equal(json(validate.stdout).refreshed, true);
    const after = readSession(refreshHome);
    assert.notEqual(after.access_token, before.access_token);
    assert.ok(Date.parse(after.expiry) > Date.now() + 60_000);
    assert.notEqual(readRefreshToken(refreshHome), firstRefreshToken, 'the rotated refresh token is stored');

    // Three processes find the token expired at once: one refreshes, the others use its result
    // (a rotated refresh token used twice would make the server revoke the whole grant).
    expire();
    const calls = await Promise.all([1, 2, 3].map(() => runCli(['auth', 'me'], { env: refreshHome.env })));
    for (const call of calls) assert.equal(call.code, 0, call.stdout + call.stderr);
    assert.equal((await runCli(['auth', 'me'], { env: refreshHome.env })).code, 0);

    const refreshToken = readRefreshToken(refreshHome);
    const logout = await runCli(['auth', 'logout'], { env: refreshHome.env });
    assert.equal(logout.stdout, 'Logged out.\n');
    assert.ok(!existsSync(join(refreshHome.cacheDir, 'session.json')));
    assert.ok(!existsSync(join(refreshHome.configDir, 'credentials.json')));
    assert.ok(existsSync(join(refreshHome.configDir, 'config.yaml')), 'config.yaml is kept');
    const reuse = await tokenRequest(server.baseURL, { grant_type: 'refresh_token', refresh_token: refreshToken });
    assert.equal(reuse.body.error, 'invalid_grant', 'the server revoked it');
  });

  it('a rejected refresh token ends in reauth_required and clears the local session', async () => {
    const session = readSession(rejectHome);
    writeFileSync(join(rejectHome.cacheDir, 'session.json'), JSON.stringify({ ...session, expiry: new Date(Date.now() - 1000).toISOString() }));
    writeFileSync(join(rejectHome.configDir, 'credentials.json'), JSON.stringify({ refresh_token: 'not-a-refresh-token' }));
    const statusBefore = await runCli(['auth', 'status'], { env: rejectHome.env });
    assert.equal(statusBefore.code, 0, 'status never refreshes: a refresh token is stored, so it counts');
    const me = await runCli(['auth', 'me'], { env: rejectHome.env });
    assert.equal(me.code, 1);
    assert.equal(me.stderr, '');
    const error = json(me.stdout);
    assert.equal(error.code, 'reauth_required');
    assert.equal(error.hint, 'Run `boltz-api auth login` again.');
    assert.ok(!existsSync(join(rejectHome.cacheDir, 'session.json')));
    assert.ok(!existsSync(join(rejectHome.configDir, 'credentials.json')));
    const status = await runCli(['auth', 'status'], { env: rejectHome.env });
    assert.equal(status.code, 1);
    assert.equal(json(status.stdout).authenticated, false);
  });

  it('signed out: status exits 1, wait times out, validate is invalid, bad durations are refused, logout still succeeds', async () => {
    const empty = newCliHome(server);
    const [status, waitOnce, waitShort, badTimeout, badInterval, validate, logout, me] = await Promise.all([
      runCli(['auth', 'status'], { env: empty.env }),
      runCli(['auth', 'wait', '--timeout', '0'], { env: empty.env }),
      runCli(['auth', 'wait', '--timeout', '300ms', '--poll-interval', '100ms'], { env: empty.env }),
      runCli(['auth', 'wait', '--timeout', 'soon'], { env: empty.env }),
      runCli(['auth', 'wait', '--poll-interval', '0'], { env: empty.env }),
      runCli(['auth', 'validate'], { env: empty.env }),
      runCli(['auth', 'logout'], { env: empty.env }),
      runCli(['auth', 'me'], { env: empty.env }),
    ]);
    assert.equal(status.code, 1);
    assert.equal(status.stderr, '');
    assert.equal(json(status.stdout).session_present, false);
    for (const wait of [waitOnce, waitShort]) {
      assert.equal(wait.code, 1);
      assert.equal(json(wait.stdout).status, 'waiting');
      assert.equal(json(wait.stdout).timed_out, true);
    }
    assert.equal(json(waitShort.stdout).timeout, '300ms');
    assert.equal(json(waitShort.stdout).poll_interval, '100ms');
    assert.equal(json(badTimeout.stdout).code, 'invalid_timeout');
    assert.equal(json(badInterval.stdout).code, 'invalid_poll_interval');
    assert.equal(validate.code, 1);
    assert.equal(json(validate.stdout).valid, false);
    assert.equal(logout.code, 0);
    assert.equal(logout.stdout, 'Logged out.\n');
    assert.equal(json(me.stdout).code, 'auth_required');
  });

  it('unusable state directories end in *_save_failed auth errors, not stack traces', async () => {
    const broken = newCliHome(server);
    const notADirectory = join(broken.configDir, '..', '..', 'plain-file');
    writeFileSync(notADirectory, 'x');
    const [switchNoCache, logoutNoCache, switchNoConfig] = await Promise.all([
      runCli(['auth', 'switch-org', 'org_example'], { env: { ...broken.env, XDG_CACHE_HOME: notADirectory } }),
      runCli(['auth', 'logout'], { env: { ...broken.env, XDG_CACHE_HOME: notADirectory } }),
      runCli(['auth', 'switch-org', 'org_example'], { env: { ...broken.env, XDG_CONFIG_HOME: notADirectory } }),
    ]);
    for (const [result, code] of [[switchNoCache, 'config_save_failed'], [logoutNoCache, 'session_save_failed'], [switchNoConfig, 'config_save_failed']] as const) {
      assert.equal(result.code, 1);
      assert.equal(result.stderr, '');
      assert.equal(json(result.stdout).code, code);
    }
  });

  it('auth wait returns as soon as a sign-in appears (e.g. completed by another process)', async () => {
    const waiting = newCliHome(server);
    const wait = new RunningCli(['auth', 'wait', '--timeout', '60s', '--poll-interval', '200ms'], waiting.env);
    try {
      const status = await runCli(['auth', 'status'], { env: waiting.env });
      assert.equal(status.code, 1, 'not signed in yet');
      // The files of a finished login (only read here: auth wait never refreshes).
      mkdirSync(waiting.configDir, { recursive: true });
      mkdirSync(waiting.cacheDir, { recursive: true });
      for (const file of ['config.yaml', 'credentials.json']) copyFileSync(join(home.configDir, file), join(waiting.configDir, file));
      copyFileSync(join(home.cacheDir, 'session.json'), join(waiting.cacheDir, 'session.json'));
      const result = await wait.done;
      assert.equal(result.code, 0, result.stdout);
      const report = json(result.stdout);
      assert.deepEqual([report.status, report.timed_out, report.timeout, report.poll_interval, report.active_source], ['success', false, '1m0s', '200ms', 'oauth_session']);
    } finally {
      wait.kill();
    }
  });

  it('a stale session lock (owner gone, or the official CLI\'s empty lock file) is taken over', async () => {
    const locked = newCliHome(server);
    mkdirSync(locked.cacheDir, { recursive: true });
    const lock = join(locked.cacheDir, 'session.lock');
    const exited = new RunningCli(['--version'], locked.env);
    await exited.done;
    writeFileSync(lock, JSON.stringify({ pid: exited.pid, created_at: new Date().toISOString() }));
    const first = await runCli(['auth', 'switch-org', 'org_first'], { env: locked.env });
    assert.equal(first.code, 0, first.stdout);
    assert.ok(!existsSync(lock), 'released');

    writeFileSync(lock, '');
    utimesSync(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const second = await runCli(['auth', 'switch-org', 'org_second'], { env: locked.env });
    assert.equal(second.code, 0, second.stdout);
    assert.equal(json((await runCli(['config', 'show'], { env: locked.env })).stdout).config.selected_org, 'org_second');
  });

  it('config show and config reset touch config.yaml only', async () => {
    const fresh = newCliHome(server);
    const absent = await runCli(['config', 'show'], { env: fresh.env });
    assert.deepEqual(json(absent.stdout), { path: join(fresh.configDir, 'config.yaml'), present: false });
    await runCli(['auth', 'switch-org', 'org_example'], { env: fresh.env });
    writeFileSync(join(fresh.configDir, 'credentials.json'), JSON.stringify({ refresh_token: 'kept' }));
    const shown = json((await runCli(['config', 'show'], { env: fresh.env })).stdout);
    assert.equal(shown.present, true);
    assert.equal(shown.config.selected_org, 'org_example');
    assert.equal(shown.config.version, 1);
    assert.equal(shown.config.issuer_url, null);
    const reset = await runCli(['config', 'reset'], { env: fresh.env });
    assert.deepEqual(json(reset.stdout), { path: join(fresh.configDir, 'config.yaml'), removed: true });
    assert.ok(existsSync(join(fresh.configDir, 'credentials.json')), 'credentials are not config');
    assert.equal(json((await runCli(['config', 'reset'], { env: fresh.env })).stdout).removed, false);
  });

  it('a denied device code and an expired one end with the auth-error JSON and exit 1', async () => {
    const deniedHome = newCliHome(server);
    const expiredHome = newCliHome(server);
    const denied = new RunningCli(['auth', 'login', '--device-code', '--json-events'], deniedHome.env);
    const expired = new RunningCli(['auth', 'login', '--device-code', '--json-events'], expiredHome.env);
    try {
      await Promise.all([denied.waitForOutput(/"auth_url".*\n/), expired.waitForOutput(/"auth_url".*\n/)]);
      const browser = new FormBrowser(server.baseURL);
      const input = await browser.get('/oauth/device');
      const confirm = await browser.submit(input, 'op.deviceInputForm', { user_code: denied.events()[0].user_code });
      await browser.submit(confirm, 'op.deviceConfirmForm', { abort: 'yes' });

      const userCode = expired.events()[0].user_code.replace('-', '');
      const rows = await server.storage.db.selectFrom('oauth_models').selectAll().where('model', '=', 'DeviceCode').execute();
      const row = rows.find((r) => JSON.parse(r.payload).userCode === userCode)!;
      const payload = { ...JSON.parse(row.payload), exp: Math.floor(Date.now() / 1000) - 5 };
      await server.storage.db.updateTable('oauth_models').set({ payload: JSON.stringify(payload) }).where('model', '=', 'DeviceCode').where('id', '=', row.id).execute();

      const [deniedResult, expiredResult] = await Promise.all([denied.done, expired.done]);
      for (const [result, reason] of [[deniedResult, 'access_denied'], [expiredResult, 'expired_token']] as const) {
        assert.equal(result.code, 1);
        assert.equal(result.stderr, '');
        const last = json(result.stdout.trimEnd().split('\n').at(-1)!);
        assert.equal(last.type, 'auth_error');
        assert.equal(last.code, 'login_failed');
        assert.match(last.message, new RegExp(`token endpoint returned ${reason}`));
      }
      assert.ok(!existsSync(join(deniedHome.cacheDir, 'session.json')));
    } finally {
      denied.kill();
      expired.kill();
    }
  });

  it('the loopback callback refuses a wrong state, a missing issuer and an error redirect with a 400 page and login_failed', async () => {
    const cases = [
      { query: (state: string) => `code=abc&state=${state}x&iss=${encodeURIComponent(server.baseURL)}`, reason: /Authentication failed: .*"state"/ },
      { query: (state: string) => `code=abc&state=${state}`, reason: /Authentication failed: .*"iss" \(issuer\) missing/ },
      { query: (state: string) => `error=access_denied&error_description=nope&state=${state}&iss=${encodeURIComponent(server.baseURL)}`, reason: /authorization failed: access_denied: nope/ },
    ];
    await Promise.all(
      cases.map(async ({ query, reason }) => {
        const cli = new RunningCli(['auth', 'login', '--listen-port', '0'], newCliHome(server).env);
        try {
          const [, url] = await cli.waitForOutput(/Open this URL to authenticate:\n(\S+)\n/);
          const authorize = new URL(url);
          const callback = new URL(authorize.searchParams.get('redirect_uri')!);
          const elsewhere = await fetch(new URL('/favicon.ico', callback));
          assert.equal(elsewhere.status, 404);
          const page = await fetch(`${callback}?${query(authorize.searchParams.get('state')!)}`);
          assert.equal(page.status, 400);
          assert.equal(await page.text(), 'Authentication failed. You can close this window.');
          const result = await cli.done;
          assert.equal(result.code, 1);
          const error = json(result.stdout.trimEnd().split('\n').at(-1)!);
          assert.equal(error.code, 'login_failed');
          assert.match(error.message, reason);
        } finally {
          cli.kill();
        }
      }),
    );
  });

  it('a busy loopback port fails the browser login (no fallback port)', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (busy.address() as { port: number }).port;
      const result = await runCli(['auth', 'login', '--listen-port', String(port)], { env: newCliHome(server).env });
      assert.equal(result.code, 1);
      const error = json(result.stdout);
      assert.equal(error.code, 'login_failed');
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}: the port is already in use`));
    } finally {
      busy.close();
    }
  });
});
