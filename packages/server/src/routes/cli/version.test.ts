import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawRequest, startTestServer, type TestServer } from '../../../test/harness.ts';
import { servedCliVersion } from './package.ts';

/** Conformance of cli.version through the official SDK (spec/API.md §6.2). */
describe('cli.version through the official SDK', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      BOLTZ_CLI_LATEST_VERSION: '1.4.0',
      BOLTZ_CLI_MINIMUM_VERSION: '1.2.0',
      BOLTZ_CLI_MESSAGE: 'Version 1.4 adds protein design.',
      BOLTZ_CLI_INSTALL_MACOS_LINUX: 'curl -fsSL https://example.test/install.sh | sh',
      BOLTZ_CLI_INSTALL_WINDOWS: 'irm https://example.test/install.ps1 | iex',
    });
  });
  after(() => server.close());

  const configured = {
    latest: '1.4.0',
    minimum_supported: '1.2.0',
    message: 'Version 1.4 adds protein design.',
    install: {
      macos_linux: 'curl -fsSL https://example.test/install.sh | sh',
      windows: 'irm https://example.test/install.ps1 | iex',
    },
  };

  it('answers the configured versions with both flags false when current is absent', async () => {
    const version = await server.client(server.liveAdminKey).cli.version();
    assert.deepEqual(version, { ...configured, update_available: false, update_required: false });
  });

  // update_available = current < latest; update_required = current < minimum_supported.
  const cases: Array<[string, boolean, boolean]> = [
    ['1.4.0', false, false],
    ['2.0.0', false, false],
    ['1.3.9', true, false],
    ['1.2.0', true, false],
    ['1.1.9', true, true],
    ['0.1.0', true, true],
    ['1.4.0-beta.1', true, false],
    ['v1.3.0', true, false],
    ['not a version', false, false],
    ['', false, false],
  ];
  for (const [current, updateAvailable, updateRequired] of cases) {
    it(`current=${JSON.stringify(current)}: update_available ${updateAvailable}, update_required ${updateRequired}`, async () => {
      const version = await server.client(server.liveAdminKey).cli.version({ current, platform: 'linux-x64' });
      assert.deepEqual(version, { ...configured, update_available: updateAvailable, update_required: updateRequired });
    });
  }

  it('needs no credential and ignores an invalid one', async () => {
    const anonymous = await rawRequest(server, 'GET', '/compute/v1/cli/version?current=1.1.0');
    assert.equal(anonymous.status, 200, anonymous.text);
    assert.deepEqual(anonymous.body, { ...configured, update_available: true, update_required: true });
    const withBadKey = await server.client('sk_bc_ws_live_notARealKey').cli.version({ current: '1.1.0' });
    assert.deepEqual(withBadKey, anonymous.body);
  });
});

describe('cli.version with the default configuration', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('answers a null message and non-empty install commands', async () => {
    const version = await server.client(server.testAdminKey).cli.version({ current: '0.0.1' });
    assert.equal(version.message, null);
    assert.equal(version.latest, servedCliVersion());
    assert.equal(version.minimum_supported, server.config.cliVersion.minimumSupported);
    assert.equal(version.update_available, true);
    assert.equal(version.update_required, false);
    // The package this server hands out (routes/cli/package.ts; installed in test/build.test.ts).
    assert.equal(version.install.macos_linux, `npm install -g ${server.baseURL}/cli/boltz-api.tgz`);
    assert.equal(version.install.windows, version.install.macos_linux);
  });
});
