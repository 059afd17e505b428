import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { type TestServer, startTestServer } from '../../server/test/harness.ts';

const CLI_PACKAGE = fileURLToPath(new URL('..', import.meta.url));

/**
 * The CLI installs and runs on its own: `npm pack` it, install the tarball into an empty folder
 * (offline, no install scripts: it has no dependencies to fetch) and run it. Neither the server nor the storage
 * layer (nor their native modules) may come along.
 */
describe('boltz-api installed on its own', () => {
  let server: TestServer;
  let installDir: string;

  before(async () => {
    server = await startTestServer();
    const work = mkdtempSync(join(tmpdir(), 'boltz-cli-pack-'));
    const pack = spawnSync('npm', ['pack', CLI_PACKAGE, '--pack-destination', work, '--silent'], { encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    const tarball = join(work, pack.stdout.trim().split('\n').pop()!);
    installDir = join(work, 'install');
    spawnSync('mkdir', [installDir]);
    writeFileSync(join(installDir, 'package.json'), '{"name": "standalone-check", "private": true}');
    const install = spawnSync('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', tarball], { cwd: installDir, encoding: 'utf8' });
    assert.equal(install.status, 0, install.stderr);
  });
  after(() => server.close());

  it('is one bundled file with no dependencies to install, and nothing of the server comes along', () => {
    const manifest = JSON.parse(readFileSync(join(CLI_PACKAGE, 'package.json'), 'utf8'));
    assert.deepEqual(Object.keys(manifest.dependencies ?? {}), [], 'the bundle (dist/boltz-api.js) carries the SDK and the rest');
    assert.ok(Object.keys(manifest.devDependencies).includes('boltz-api'), 'HTTP goes through the official SDK, bundled');
    const installed = readdirSync(join(installDir, 'node_modules')).filter((name) => !name.startsWith('.'));
    assert.deepEqual(installed, ['@boltz'], 'no package besides the CLI itself');
    assert.deepEqual(readdirSync(join(installDir, 'node_modules', '@boltz')), ['cli']);
    assert.ok(existsSync(join(installDir, 'node_modules', '.bin', 'boltz-api')));
  });

  it('runs --version, --help and API commands from the isolated install', async () => {
    const bin = join(installDir, 'node_modules', '.bin', 'boltz-api');
    // Asynchronous: the test server lives in this process and must keep answering.
    const run = (args: string[]) =>
      promisify(execFile)(bin, args, { cwd: installDir, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: installDir, BOLTZ_BASE_URL: server.baseURL } });
    const version = await run(['--version']);
    assert.match(version.stdout, /^boltz-api version \d+\.\d+\.\d+\n$/);
    assert.match((await run(['--help'])).stdout, /^Usage:/m);
    const listed = await run(['admin:workspaces', 'list', '--api-key', server.liveAdminKey, '--transform', 'is_default']);
    assert.equal(listed.stdout, 'true\n');
  });
});
