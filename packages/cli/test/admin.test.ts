import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestServer, startTestServer } from '../../server/test/harness.ts';
import { parseJsonStream, runCli } from './cli-process.ts';

/**
 * The admin commands as the seed documents type them (`boltz-api admin:workspaces create`, …),
 * with an admin key in BOLTZ_API_KEY, against a real server (CLI.md §1.1, API.md §5).
 */
describe('boltz-api admin:* commands', () => {
  let server: TestServer;
  let env: Record<string, string>;

  before(async () => {
    server = await startTestServer();
    env = { BOLTZ_BASE_URL: server.baseURL, BOLTZ_API_KEY: server.liveAdminKey };
  });
  after(() => server.close());

  it('admin:workspaces create / retrieve / update / list / archive, with dotted and null flags', async () => {
    const created = await runCli(['admin:workspaces', 'create', '--name', 'Team Alpha', '--data-retention.unit', 'hours', '--data-retention.value', '12'], { env });
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stderr, '');
    const workspace = JSON.parse(created.stdout);
    assert.match(workspace.id, /^ws_/);
    assert.deepEqual(workspace.data_retention, { unit: 'hours', value: 12 });
    assert.equal(created.stdout, `${JSON.stringify(workspace, null, 2)}\n`, 'json: 2-space indent, server key order');

    // The id as the positional argument or as --workspace-id.
    const [byPositional, byFlag] = await Promise.all([
      runCli(['admin:workspaces', 'retrieve', workspace.id], { env }),
      runCli(['admin:workspaces', 'retrieve', '--workspace-id', workspace.id], { env }),
    ]);
    assert.equal(byPositional.code, 0, byPositional.stderr);
    assert.deepEqual(JSON.parse(byPositional.stdout), workspace);
    assert.equal(byFlag.stdout, byPositional.stdout);

    const renamed = await runCli(['admin:workspaces', 'update', workspace.id, '--name', 'Team Beta', '--data-retention', '{unit: days, value: 2}'], { env });
    assert.equal(renamed.code, 0, renamed.stderr);
    assert.equal(JSON.parse(renamed.stdout).name, 'Team Beta');
    assert.deepEqual(JSON.parse(renamed.stdout).data_retention, { unit: 'days', value: 2 });
    const cleared = await runCli(['admin:workspaces', 'update', '--workspace-id', workspace.id, '--name', 'null'], { env });
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.equal(JSON.parse(cleared.stdout).name, null, 'the literal null clears a nullable flag');

    const listed = await runCli(['admin:workspaces', 'list'], { env });
    assert.equal(listed.code, 0, listed.stderr);
    const items = parseJsonStream(listed.stdout) as Array<{ id: string; is_default: boolean }>;
    assert.equal(items.length, 2, 'each item printed as its own document, not as an array');
    assert.equal(items[0].id, workspace.id, 'newest first');
    assert.equal(items[1].is_default, true);

    const archived = await runCli(['admin:workspaces', 'archive', workspace.id], { env });
    assert.equal(archived.code, 0, archived.stderr);
    assert.notEqual(JSON.parse(archived.stdout).archived_at, null);
  });

  it('admin:workspaces list follows every page and stops at --max-items', async () => {
    for (let i = 0; i < 3; i++) {
      const result = await runCli(['admin:workspaces', 'create', '--name', `Paged ${i}`], { env });
      assert.equal(result.code, 0, result.stderr);
    }
    const [all, capped, rawPage] = await Promise.all([
      runCli(['admin:workspaces', 'list', '--name', 'paged', '--limit', '1', '--format', 'jsonl'], { env }),
      runCli(['admin:workspaces', 'list', '--name', 'Paged', '--limit', '1', '--max-items', '2', '--transform', 'name', '-r'], { env }),
      runCli(['admin:workspaces', 'list', '--name', 'Paged', '--limit', '2', '--format', 'raw'], { env }),
    ]);
    assert.equal(all.code, 0, all.stderr);
    const names = all.stdout.trim().split('\n').map((line) => JSON.parse(line).name);
    assert.deepEqual(names, ['Paged 2', 'Paged 1', 'Paged 0'], '--limit 1 pages are followed to the end');
    assert.equal(capped.stdout, 'Paged 2\nPaged 1\n');
    const page = JSON.parse(rawPage.stdout);
    assert.equal(page.data.length, 2, '--format raw prints the one page the server sent');
    assert.equal(page.has_more, true);
  });

  it('admin:workspaces set-spending-limit / retrieve-spending-limit (null before any limit)', async () => {
    const workspace = JSON.parse((await runCli(['admin:workspaces', 'create', '--name', 'Budget'], { env })).stdout);
    const before = await runCli(['admin:workspaces', 'retrieve-spending-limit', workspace.id], { env });
    assert.equal(before.code, 0, before.stderr);
    assert.equal(before.stdout, 'null\n');
    const set = await runCli(['admin:workspaces', 'set-spending-limit', '--workspace-id', workspace.id, '--limit', '{amount: 5000, currency: MILLI_USD}'], { env });
    assert.equal(set.code, 0, set.stderr);
    assert.deepEqual(JSON.parse(set.stdout).limit, { amount: 5000, currency: 'MILLI_USD' });
    assert.equal(JSON.parse(set.stdout).type, 'lifetime', '--type defaults to lifetime');
    const afterwards = await runCli(['admin:workspaces', 'retrieve-spending-limit', workspace.id, '--transform', 'limit.amount'], { env });
    assert.equal(afterwards.stdout, '5000\n');
  });

  it('admin:api-keys create (repeatable --allowed-ip) / list / revoke', async () => {
    const created = await runCli(
      ['admin:api-keys', 'create', '--name', 'ci', '--allowed-ip', '10.0.0.1', '--allowed-ip', '10.0.0.2', '--expires-in-days', '0x1e', '--mode', 'test'],
      { env },
    );
    assert.equal(created.code, 0, created.stderr);
    const { key, key_details: details } = JSON.parse(created.stdout);
    assert.match(key, /^sk_bc_ws_test_/);
    assert.deepEqual(details.allowed_ips, ['10.0.0.1', '10.0.0.2']);
    assert.equal(details.livemode, false);
    assert.ok(details.expires_at, 'hex integer 0x1e accepted for --expires-in-days');

    const listed = await runCli(['admin:api-keys', 'list', '--workspace-id', server.defaultWorkspaceId, '--format', 'jsonl', '--transform', 'id'], { env });
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(listed.stdout.split('\n').includes(JSON.stringify(details.id)));

    const revoked = await runCli(['admin:api-keys', 'revoke', details.id], { env });
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(JSON.parse(revoked.stdout).is_active, false);
    // The revoked key no longer authenticates: API error body on stdout, request line on stderr.
    const refused = await runCli(['auth', 'me'], { env: { ...env, BOLTZ_API_KEY: key } });
    assert.equal(refused.code, 1);
    assert.equal(JSON.parse(refused.stdout).code, 'unauthorized');
    assert.equal(refused.stderr, `GET "${server.baseURL}/compute/v1/auth/me": 401 Unauthorized\n`);
  });

  it('API errors: body on stdout (--format-error, --transform-error), `<METHOD> "<URL>": <status> <reason>` on stderr, exit 1', async () => {
    const [notFound, transformed, yaml, forbidden] = await Promise.all([
      runCli(['admin:workspaces', 'retrieve', 'ws_doesnotexist'], { env }),
      runCli(['admin:workspaces', 'retrieve', 'ws_doesnotexist', '--transform-error', 'code', '-r'], { env }),
      runCli(['admin:workspaces', 'retrieve', 'ws_doesnotexist', '--format-error', 'yaml'], { env }),
      runCli(['admin:workspaces', 'set-spending-limit', server.defaultWorkspaceId, '--limit', '{amount: 1, currency: MILLI_USD}'], { env: { ...env, BOLTZ_API_KEY: server.testAdminKey } }),
    ]);
    assert.equal(notFound.code, 1);
    assert.equal(JSON.parse(notFound.stdout).code, 'not_found');
    assert.equal(notFound.stderr, `GET "${server.baseURL}/compute/v1/admin/workspaces/ws_doesnotexist": 404 Not Found\n`);
    assert.equal(transformed.stdout, 'not_found\n');
    assert.match(yaml.stdout, /^code: not_found\nmessage: /);
    assert.equal(forbidden.code, 1);
    assert.equal(JSON.parse(forbidden.stdout).code, 'livemode_required');
    assert.equal(forbidden.stderr, `PUT "${server.baseURL}/compute/v1/admin/workspaces/${server.defaultWorkspaceId}/spending-limit": 403 Forbidden\n`);
  });

  it('usage errors: missing required flags, extra arguments, strict integers, bad object values, unknown flags', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['admin:api-keys', 'create'], /^Required flag "name" not set\nRun 'boltz-api admin:api-keys create --help' for usage information\.\n$/],
      [['admin:usage', 'list', '--window-size', 'DAY'], /^Required flags "starting-at, ending-at" not set\n/],
      [['admin:workspaces', 'retrieve', 'ws_a', 'ws_b'], /^Unexpected extra arguments: \[ws_b\]\n/],
      [['admin:api-keys', 'create', '--name', 'x', '--expires-in-days', '1.5'], /invalid value "1\.5" for flag --expires-in-days: expected an integer/],
      [['admin:workspaces', 'set-spending-limit', 'ws_a', '--limit', '@./limit.yaml'], /^Couldn't convert "@\.\/limit\.yaml" to expected type object\n/],
      [['admin:workspaces', 'create', '--nmae', 'x'], /^Incorrect Usage: flag provided but not defined: --nmae\n/],
      [['admin:api-keys', 'create', '--name', 'x', '--mode', 'staging'], /invalid value "staging" for flag --mode: must be one of live, test/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCli(args, { env })));
    results.forEach((result, i) => {
      assert.equal(result.code, 1, cases[i][0].join(' '));
      assert.equal(result.stdout, '', cases[i][0].join(' '));
      assert.match(result.stderr, cases[i][1]);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'never a stack trace');
    });
  });

  it('without a credential, API commands print auth_required JSON on stdout and exit 1', async () => {
    const result = await runCli(['admin:workspaces', 'list'], { env: { BOLTZ_BASE_URL: server.baseURL } });
    assert.equal(result.code, 1);
    assert.equal(result.stderr, '');
    const error = JSON.parse(result.stdout);
    assert.equal(error.type, 'auth_error');
    assert.equal(error.code, 'auth_required');
    assert.equal(error.hint, error.hints[0]);
    assert.ok(error.hints.some((hint: string) => hint.includes('BOLTZ_API_KEY')));
  });

  it('admin:usage list sends array filters as name[] and prints each bucket', async (t) => {
    const probe = await runCli(['admin:usage', 'list', '--starting-at', '2026-01-01T00:00:00Z', '--ending-at', '2026-01-02T00:00:00Z', '--window-size', 'HOUR', '--debug', '--workspace-ids', `[${server.defaultWorkspaceId}, ws_other]`, '--group-by', 'workspace_id', '--group-by', 'application'], { env });
    if (probe.stdout.includes('No route for GET')) return t.skip('GET /admin/usage is not on this server yet');
    assert.equal(probe.code, 0, probe.stderr);
    assert.equal(probe.stdout, '', 'no usage in the range: no buckets');
    const requestLine = probe.stderr.split('\n').find((line) => line.startsWith('> GET'))!;
    const url = new URL(requestLine.slice('> GET '.length));
    assert.deepEqual(url.searchParams.getAll('workspace_ids[]'), [server.defaultWorkspaceId, 'ws_other']);
    assert.deepEqual(url.searchParams.getAll('group_by[]'), ['workspace_id', 'application']);
    assert.match(probe.stderr, /x-api-key: <redacted>/);
    assert.doesNotMatch(probe.stderr, new RegExp(server.liveAdminKey));
  });
});
