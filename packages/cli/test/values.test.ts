import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type TestServer, startTestServer } from '../../server/test/harness.ts';
import { runCli } from './cli-process.ts';

/**
 * Value syntax (CLI.md §3): file references, stdin (`@-` and piped bodies), escapes. The server
 * echoes what it received, so each case checks the request the CLI really sent.
 */
describe('boltz-api flag values, file references and stdin', () => {
  let server: TestServer;
  let env: Record<string, string>;
  let dir: string;

  before(async () => {
    server = await startTestServer();
    env = { BOLTZ_BASE_URL: server.baseURL, BOLTZ_API_KEY: server.liveAdminKey };
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'boltz-cli-values-')));
    writeFileSync(join(dir, 'name.txt'), 'Name from a file');
    writeFileSync(join(dir, 'binary.bin'), Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    writeFileSync(join(dir, 'retention.json'), '{"unit": "hours", "value": "@json://value.json"}');
    writeFileSync(join(dir, 'value.json'), '9');
    writeFileSync(join(dir, 'retention.yaml'), 'unit: days\nvalue: 4\n');
    writeFileSync(join(dir, 'a.yaml'), 'unit: "@yaml://b.yaml"\n');
    writeFileSync(join(dir, 'b.yaml'), 'x: "@yaml://a.yaml"\n');
  });
  after(() => server.close());

  const create = (args: string[], options: { input?: string | 'idle-pipe' } = {}) => runCli(['admin:workspaces', 'create', ...args], { env, cwd: dir, ...options });

  it('@path, @file://, @data://, @json:// (nested), @yaml://, \\@ and @username', async () => {
    const results = await Promise.all([
      create(['--name', '@name.txt']),
      create(['--name', `@file://${join(dir, 'name.txt')}`]),
      create(['--name', '@data://name.txt']),
      create(['--name', '@binary.bin']),
      create(['--name', 'x', '--data-retention', '@json://retention.json']),
      create(['--name', 'x', '--data-retention', '@yaml://retention.yaml']),
      create(['--name', '\\@literal']),
      create(['--name', '@username']),
    ]);
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    const [path, absolute, data, binary, json, yaml, escaped, username] = results.map((result) => JSON.parse(result.stdout));
    assert.equal(path.name, 'Name from a file');
    assert.equal(absolute.name, 'Name from a file', '@file:///absolute/path (three slashes)');
    assert.equal(data.name, Buffer.from('Name from a file').toString('base64'));
    assert.equal(binary.name, Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString('base64'), 'non-UTF-8 files become base64');
    assert.deepEqual(json.data_retention, { unit: 'hours', value: 9 }, 'references inside included files are resolved');
    assert.deepEqual(yaml.data_retention, { unit: 'days', value: 4 });
    assert.equal(escaped.name, '@literal');
    assert.equal(username.name, '@username', 'a missing file without . or / stays literal');
  });

  it('reference errors: missing files, include cycles, stdin read twice', async () => {
    const [missing, cycle, twice] = await Promise.all([
      create(['--name', '@missing.txt']),
      create(['--data-retention', '@yaml://a.yaml']),
      runCli(['admin:api-keys', 'create', '--name', '@-', '--workspace-id', '@-'], { env, cwd: dir, input: 'x' }),
    ]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /Could not read file "missing\.txt"/);
    assert.equal(cycle.code, 1);
    assert.equal(cycle.stderr, `structured include cycle detected: ${join(dir, 'a.yaml')} -> ${join(dir, 'b.yaml')} -> ${join(dir, 'a.yaml')}\n`);
    assert.equal(twice.code, 1);
    assert.equal(twice.stderr, 'stdin has already been read by another parameter\n');
  });

  it('@-, @/dev/stdin and @data://- read stdin as a flag value; @json://- as a flag value is refused', async () => {
    const [dash, devStdin, base64, structured] = await Promise.all([
      create(['--name', '@-'], { input: 'Name from stdin' }),
      create(['--name', '@/dev/stdin'], { input: 'Dev stdin' }),
      create(['--name', '@data://-'], { input: 'abc' }),
      create(['--data-retention', '@json://-'], { input: '{"unit": "days", "value": 1}' }),
    ]);
    for (const result of [dash, devStdin, base64]) assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(dash.stdout).name, 'Name from stdin');
    assert.equal(JSON.parse(devStdin.stdout).name, 'Dev stdin');
    assert.equal(JSON.parse(base64.stdout).name, 'YWJj');
    assert.equal(structured.code, 1);
    assert.match(structured.stderr, /@json:\/\/ cannot read stdin as a flag value; pipe the document/);
  });

  it('a piped YAML/JSON body merges with flags (flags win); parameter keys fill unset flags', async () => {
    const [merged, fromJson, withReference] = await Promise.all([
      create(['--name', 'Flag wins'], { input: 'name: Piped name\ndata_retention: {unit: hours, value: 5}\n' }),
      create([], { input: '{"name": "JSON body"}' }),
      create([], { input: 'name: "@file://name.txt"\n' }),
    ]);
    assert.equal(merged.code, 0, merged.stderr);
    assert.equal(JSON.parse(merged.stdout).name, 'Flag wins');
    assert.deepEqual(JSON.parse(merged.stdout).data_retention, { unit: 'hours', value: 5 });
    assert.equal(JSON.parse(fromJson.stdout).name, 'JSON body');
    assert.equal(JSON.parse(withReference.stdout).name, 'Name from a file', 'references inside a piped body are resolved');

    const workspace = JSON.parse(merged.stdout);
    const retrieved = await runCli(['admin:workspaces', 'retrieve'], { env, input: `workspace_id: ${workspace.id}\n` });
    assert.equal(retrieved.code, 0, retrieved.stderr);
    assert.equal(JSON.parse(retrieved.stdout).id, workspace.id);
  });

  it('piped body errors, and an idle pipe is never waited for', async () => {
    const [notMap, badYaml, idle] = await Promise.all([
      create(['--name', 'x'], { input: '[1, 2]' }),
      create([], { input: '{unclosed: [' }),
      create(['--name', 'Idle pipe'], { input: 'idle-pipe' }),
    ]);
    assert.equal(notMap.code, 1);
    assert.equal(notMap.stderr, 'Cannot merge flags with a body that is not a map\n');
    assert.equal(badYaml.code, 1);
    assert.match(badYaml.stderr, /^Failed to parse piped data as YAML\/JSON: /);
    assert.equal(idle.code, 0, idle.stderr);
    assert.equal(JSON.parse(idle.stdout).name, 'Idle pipe');
  });
});
