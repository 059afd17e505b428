import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../server/test/server-process.ts';
import { type TestServer, startTestServer } from '../../server/test/harness.ts';
import { runCli } from './cli-process.ts';

/** Credentials (CLI.md §6.1, §6.2, §6.7), `auth me`, `cli version` and connection settings. */
describe('boltz-api credentials and auth commands', () => {
  let server: TestServer;
  let home: Record<string, string>;

  before(async () => {
    server = await startTestServer();
    const dir = mkdtempSync(join(tmpdir(), 'boltz-cli-auth-'));
    home = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_CACHE_HOME: join(dir, 'cache'), BOLTZ_BASE_URL: server.baseURL };
  });
  after(() => server.close());

  it('auth status in API-key mode: authenticated, exit 0, the key source reported', async () => {
    const [fromEnv, fromFlag, fromComputeEnv] = await Promise.all([
      runCli(['auth', 'status'], { env: { ...home, BOLTZ_API_KEY: server.liveAdminKey } }),
      runCli(['auth', 'status', '--api-key', server.liveAdminKey], { env: home }),
      runCli(['auth', 'status'], { env: { ...home, BOLTZ_COMPUTE_API_KEY: server.liveAdminKey } }),
    ]);
    for (const result of [fromEnv, fromFlag, fromComputeEnv]) {
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      const status = JSON.parse(result.stdout);
      assert.equal(status.authenticated, true);
      assert.equal(status.effective_mode, 'api_key');
      assert.equal(status.active_source, 'api_key');
      assert.equal(status.api_key_configured, true);
      assert.equal(status.sources.api_key, 'runtime');
    }
    const status = JSON.parse(fromEnv.stdout);
    assert.deepEqual(status.config, { path: join(home.XDG_CONFIG_HOME, 'boltz-api', 'config.yaml'), present: false });
    assert.equal(status.issuer_url, server.baseURL, 'a self-hosted server is its own issuer');
    assert.equal(status.client_id, 'boltz-cli');
    assert.deepEqual(status.requested_scopes, ['openid', 'offline_access', 'profile', 'email', 'compute:run']);
    assert.deepEqual(status.actions, []);
  });

  it('auth status without a credential: authenticated false, exit 1, nothing on stderr', async () => {
    const result = await runCli(['auth', 'status'], { env: { ...home, BOLTZ_API_KEY: '   ' } });
    assert.equal(result.code, 1);
    assert.equal(result.stderr, '');
    const status = JSON.parse(result.stdout);
    assert.equal(status.authenticated, false);
    assert.equal(status.effective_mode, 'none');
    assert.equal(status.active_source, 'none');
    assert.ok(status.actions.some((action: string) => action.includes('auth login')));
    assert.ok(status.actions.some((action: string) => action.includes('BOLTZ_API_KEY')));
  });

  it('auth me answers for the credential; precedence is --api-key, BOLTZ_API_KEY, BOLTZ_COMPUTE_API_KEY', async () => {
    const workspaceKey = (await server.client(server.liveAdminKey).admin.apiKeys.create({ name: 'ws key', mode: 'test' })).key;
    const [flagWins, apiKeyWins, computeKey] = await Promise.all([
      runCli(['auth', 'me', '--api-key', workspaceKey], { env: { ...home, BOLTZ_API_KEY: 'sk_bc_admin_live_invalid' } }),
      runCli(['auth', 'me'], { env: { ...home, BOLTZ_API_KEY: workspaceKey, BOLTZ_COMPUTE_API_KEY: 'sk_bc_admin_live_invalid' } }),
      runCli(['auth', 'me'], { env: { ...home, BOLTZ_COMPUTE_API_KEY: server.liveAdminKey } }),
    ]);
    for (const result of [flagWins, apiKeyWins]) {
      assert.equal(result.code, 0, result.stderr);
      const me = JSON.parse(result.stdout);
      assert.equal(me.principal_type, 'api_key');
      assert.equal(me.key_type, 'workspace');
      assert.equal(me.mode, 'test');
    }
    assert.equal(computeKey.code, 0, computeKey.stderr);
    assert.equal(JSON.parse(computeKey.stdout).key_type, 'admin');
  });

  it('auth whoami reports the settings; auth login --json-events needs --device-code', async () => {
    const [whoami, login] = await Promise.all([
      runCli(['auth', 'whoami', '--auth-client-id', 'my-client'], { env: { ...home, BOLTZ_API_KEY: server.liveAdminKey } }),
      runCli(['auth', 'login', '--json-events'], { env: home }),
    ]);
    assert.equal(whoami.code, 0, whoami.stderr);
    const info = JSON.parse(whoami.stdout);
    assert.equal(info.mode, 'api_key');
    assert.equal(info.client_id, 'my-client');
    assert.equal(info.sources.client_id, 'runtime');
    assert.equal(login.code, 1);
    assert.equal(login.stderr, '');
    assert.equal(JSON.parse(login.stdout).code, 'unsupported_login_output');
  });

  it('cli version works without a credential (public endpoint)', async () => {
    const [anonymous, withKey] = await Promise.all([
      runCli(['cli', 'version', '--current', '0.0.1', '--platform', 'linux-x64'], { env: home }),
      runCli(['cli', 'version', '--transform', 'update_available'], { env: { ...home, BOLTZ_API_KEY: server.liveAdminKey } }),
    ]);
    assert.equal(anonymous.code, 0, anonymous.stderr);
    const version = JSON.parse(anonymous.stdout);
    assert.equal(typeof version.latest, 'string');
    assert.equal(version.update_available, true);
    assert.equal(withKey.stdout, 'false\n', 'no --current: no update known');
  });

  it('headers: x-api-key only, User-Agent boltz-api-ts/<version>, BOLTZ_CUSTOM_HEADERS; --debug redacts the key', async () => {
    const result = await runCli(['auth', 'me', '--debug'], {
      env: { ...home, BOLTZ_API_KEY: server.liveAdminKey, BOLTZ_CUSTOM_HEADERS: 'X-Team: alpha\nX-Trace: 42' },
    });
    assert.equal(result.code, 0, result.stderr);
    const requestHeaders = result.stderr.split('\n< ')[0];
    assert.match(requestHeaders, /^x-api-key: <redacted>$/m);
    assert.doesNotMatch(requestHeaders, /^authorization:/im);
    assert.match(requestHeaders, /^user-agent: boltz-api-ts\/0\.1\.0$/m);
    assert.match(requestHeaders, /^x-team: alpha$/m);
    assert.match(requestHeaders, /^x-trace: 42$/m);
    assert.doesNotMatch(result.stderr, new RegExp(server.liveAdminKey));
  });

  it('base URL errors: a missing scheme, and a server that is not there', async () => {
    const port = await freePort();
    const [noScheme, refused] = await Promise.all([
      runCli(['auth', 'me', '--base-url', 'localhost:8080'], { env: { ...home, BOLTZ_API_KEY: server.liveAdminKey } }),
      runCli(['auth', 'me', '--base-url', `http://127.0.0.1:${port}`], { env: { ...home, BOLTZ_API_KEY: server.liveAdminKey } }),
    ]);
    assert.equal(noScheme.code, 1);
    assert.equal(noScheme.stderr, '--base-url "localhost:8080" is missing a scheme (expected http:// or https://)\n');
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, new RegExp(`^GET "http://127.0.0.1:${port}/compute/v1/auth/me": Connection error`));
  });
});
