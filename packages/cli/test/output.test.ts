import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import YAML from 'yaml';
import { type TestServer, startTestServer } from '../../server/test/harness.ts';
import { CLI_BIN, runCli } from './cli-process.ts';

/** Output formats, --transform (GJSON) and -r (CLI.md §4). */
describe('boltz-api output', () => {
  let server: TestServer;
  let env: Record<string, string>;
  let workspace: Record<string, unknown>;

  before(async () => {
    server = await startTestServer();
    env = { BOLTZ_BASE_URL: server.baseURL, BOLTZ_API_KEY: server.liveAdminKey };
    const client = server.client(server.liveAdminKey);
    workspace = (await client.admin.workspaces.create({ name: 'Alpha' })) as unknown as Record<string, unknown>;
    await client.admin.workspaces.create({ name: 'Beta', data_retention: { unit: 'hours', value: 10 } });
  });
  after(() => server.close());

  const retrieve = (...args: string[]) => runCli(['admin:workspaces', 'retrieve', String(workspace.id), ...args], { env });

  it('json (= auto, = explore off a terminal), jsonl, yaml, raw, pretty', async () => {
    const [json, auto, explore, jsonl, yaml, raw, pretty] = await Promise.all(
      ['json', 'auto', 'explore', 'jsonl', 'yaml', 'raw', 'pretty'].map((format) => retrieve('--format', format)),
    );
    for (const result of [json, auto, explore, jsonl, yaml, raw, pretty]) assert.equal(result.code, 0, result.stderr);
    assert.equal(json.stdout, `${JSON.stringify(workspace, null, 2)}\n`);
    assert.equal(auto.stdout, json.stdout);
    assert.equal(explore.stdout, json.stdout);
    assert.equal(jsonl.stdout, `${JSON.stringify(workspace)}\n`);
    assert.deepEqual(YAML.parse(yaml.stdout), workspace);
    assert.equal(raw.stdout, `${JSON.stringify(workspace)}\n`, 'raw: the server bytes plus a newline');
    assert.match(pretty.stdout, new RegExp(`^${workspace.id}\n─+\n`));
    assert.match(pretty.stdout, /^Is default: no$/m, 'pretty shows booleans as yes/no');
    assert.match(pretty.stdout, /^Data retention:\n {2}Unit: days\n {2}Value: 7$/m);
  });

  it('colour only when asked for off a terminal (FORCE_COLOR=1), and bad --format values are refused', async () => {
    const [coloured, plain, bad, badError] = await Promise.all([
      runCli(['admin:workspaces', 'retrieve', String(workspace.id)], { env: { ...env, FORCE_COLOR: '1' } }),
      runCli(['admin:workspaces', 'retrieve', String(workspace.id)], { env: { ...env, FORCE_COLOR: '0' } }),
      retrieve('--format', 'xml'),
      retrieve('--format-error', 'csv'),
    ]);
    assert.match(coloured.stdout, /\x1b\[/);
    assert.doesNotMatch(plain.stdout, /\x1b\[/);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, 'format must be one of: auto, explore, json, jsonl, pretty, raw, yaml\n');
    assert.equal(badError.code, 1);
    assert.match(badError.stderr, /^format-error must be one of/);
  });

  it('--transform: paths, #, #.field, #(…) queries, modifiers, -r; a missing path prints null', async () => {
    const page = (...transform: string[]) => runCli(['admin:workspaces', 'list', '--format', 'raw', ...transform], { env });
    const results = await Promise.all([
      retrieve('--transform', 'data_retention.unit'),
      retrieve('--transform', 'data_retention.unit', '-r'),
      retrieve('--transform', 'no.such.path'),
      page('--transform', 'data.#'),
      page('--transform', 'data.#.name'),
      page('--transform', 'data.#(name=="Beta").data_retention.value'),
      page('--transform', 'data.#(name%"*a")#.name'),
      page('--transform', 'data.1.name', '--raw-output'),
      page('--transform', 'data.#(data_retention.value>7).name', '-r'),
      page('--transform', 'data.#.name|@reverse'),
    ]);
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      results.map((result) => result.stdout),
      ['"days"\n', 'days\n', 'null\n', '3\n', '["Beta","Alpha","Default"]\n', '10\n', '["Beta","Alpha"]\n', 'Alpha\n', 'Beta\n', '["Default","Alpha","Beta"]\n'],
    );
  });

  it('on a terminal, output longer than the screen goes through $PAGER; short output does not', async () => {
    // `script` gives the CLI a pseudo-terminal; the "pager" marks every line it shows.
    const onTerminal = (...args: string[]) =>
      promisify(execFile)('script', ['-qec', [process.execPath, CLI_BIN, ...args].map((word) => `'${word}'`).join(' '), '/dev/null'], {
        env: { ...process.env, ...env, PAGER: "sed 's/^/paged: /'", FORCE_COLOR: '0' },
      });
    const [long, short] = await Promise.all([onTerminal('admin:workspaces', 'list'), onTerminal('admin:workspaces', 'list', '--format', 'jsonl', '--max-items', '1')]);
    const longLines = long.stdout.split('\r\n').filter(Boolean);
    assert.ok(longLines.length > 24, `${longLines.length} lines`);
    assert.ok(longLines.every((line) => line.startsWith('paged: ')), long.stdout);
    assert.doesNotMatch(short.stdout, /paged: /);
    assert.match(short.stdout, /^\{"id":"ws_/);
  });

  it('--transform and -r apply to each item of a list; global flags are accepted anywhere', async () => {
    const [before, after, middle] = await Promise.all([
      runCli(['--transform', 'name', '-r', 'admin:workspaces', 'list'], { env }),
      runCli(['admin:workspaces', 'list', '--transform', 'name', '--raw-output'], { env }),
      runCli(['admin:workspaces', '--transform', 'name', 'list', '-r', '--api-key', server.liveAdminKey], { env: { BOLTZ_BASE_URL: server.baseURL } }),
    ]);
    for (const result of [before, after, middle]) {
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, 'Beta\nAlpha\nDefault\n');
    }
  });
});
