import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Boltz from 'boltz-api';
import { generateApiKey } from '@boltz/shared';
import type { TestDatabaseLocation } from '../../storage/test/test-database.ts';
import { createTestDatabaseLocation } from './harness.ts';
import { STRUCTURE_INPUT, download, fileObjects, waitUntilDone } from './predictions.ts';
import { type ServerProcess, startServerProcess } from './server-process.ts';

/**
 * The build as an operator gets it from `npm install` (scripts/build.mjs): the server runs the
 * compiled bundle in one process, with its worker-thread modules, data files and migrations,
 * and hands out the CLI package that `npm install -g` takes from its URL.
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

/** Child processes of `pid` (worker threads are not processes). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/stat`, 'utf8').split(') ')[1].split(' ')[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('the built server', () => {
  const adminKey = generateApiKey('admin', 'test');
  let location: TestDatabaseLocation;
  let server: ServerProcess;
  let client: Boltz;
  const prefix = mkdtempSync(join(tmpdir(), 'boltz-cli-prefix-'));

  before(async () => {
    const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    location = await createTestDatabaseLocation();
    server = await startServerProcess({ ...location.env, BOLTZ_RUN_FROM_SOURCE: '0', BOLTZ_BOOTSTRAP_TEST_ADMIN_KEY: adminKey, BOLTZ_TEST_TIMING: 'instant', LOG_LEVEL: 'warn' });
    client = new Boltz({ apiKey: adminKey, baseURL: server.baseURL, maxRetries: 0, logLevel: 'off' });
  });
  after(async () => {
    await server?.stop();
    await location?.dispose();
    rmSync(prefix, { recursive: true, force: true });
  });

  it('the compiled entry point runs without a TypeScript loader', async () => {
    const help = spawnSync(process.execPath, ['packages/server/dist/main.js', '--help'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /boltz-server/);
  });

  it('serves from one process: a prediction runs through the request and engine worker threads, and its files download', async () => {
    assert.deepEqual(childrenOf(server.child.pid!), []);
    // A CCD ligand: the component table is read from packages/chemistry/tables by the build.
    const input = { ...STRUCTURE_INPUT, entities: [...STRUCTURE_INPUT.entities, { type: 'ligand_ccd' as const, chain_ids: ['C'], value: 'ATP' }] };
    const started = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input });
    const done = await waitUntilDone(client, 'structureAndBinding', started.id, {}, 120_000);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const [file] = fileObjects(done.output);
    assert.ok(file, 'the output has files');
    const fetched = await download(file.url);
    assert.equal(fetched.status, 200);
    assert.ok(fetched.bytes.length > 0);
    assert.deepEqual(childrenOf(server.child.pid!), [], 'the engines ran in threads, not processes');
  });

  it('hands out its CLI: npm install -g <the advertised URL> into an empty prefix, then --version and retrieve', async () => {
    const version = await client.cli.version({});
    const command = version.install.macos_linux;
    assert.equal(command, `npm install -g ${server.baseURL}/cli/boltz-api.tgz`);
    const url = command.split(' ').at(-1)!;
    // A registry that is not there: the package must need nothing but this server.
    const npmFlags = ['--prefix', prefix, '--cache', join(prefix, 'cache'), '--registry', 'http://127.0.0.1:9/', '--no-audit', '--no-fund'];
    await run('npm', ['install', '-g', ...npmFlags, url], { cwd: prefix });
    const cli = join(prefix, 'bin', 'boltz-api');
    const shown = await run(cli, ['--version']);
    assert.equal(shown.stdout.trim(), `boltz-api version ${version.latest}`);

    const started = await client.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT });
    const retrieved = await run(cli, ['predictions:structure-and-binding', 'retrieve', '--id', started.id, '--format', 'json'], {
      env: { ...process.env, BOLTZ_API_KEY: adminKey, BOLTZ_BASE_URL: server.baseURL },
    });
    assert.equal(JSON.parse(retrieved.stdout).id, started.id);
  });
});
