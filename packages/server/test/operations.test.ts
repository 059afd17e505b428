import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Boltz, { APIError } from 'boltz-api';
import { generateApiKey } from '@boltz/shared';
import { openStorage } from '@boltz/storage';
import { AUDITED_ROUTES } from '../src/audit.ts';
import { FAMILIES } from '../src/families/registry.ts';
import { TEST_DIALECT, createTestDatabaseLocation } from './harness.ts';
import { FormBrowser } from './form-browser.ts';
import { startDeviceAuthorization } from './oauth-client.ts';
import { ADME_INPUT, STRUCTURE_INPUT, download, fileObjects, waitUntilDone } from './predictions.ts';
import { type ServerProcess, runServerCommand, startServerProcess } from './server-process.ts';

/**
 * The operator's side of boltz-server (docs/operations.md): the start-up banner and shutdown
 * line, what is logged at which level, the audit log and `boltz-server audit`, `doctor`, and
 * a backup taken while jobs are being submitted, restored into a fresh data folder.
 */
const liveAdminKey = generateApiKey('admin', 'live');
const testAdminKey = generateApiKey('admin', 'test');

function logLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function assertBanner(output: string, baseURL: string): void {
  assert.match(output, new RegExp(`Boltz compute API at ${baseURL}\\n`));
  assert.match(output, new RegExp(`API reference: +${baseURL}/docs`));
  assert.match(output, /Database: +(SQLite|PostgreSQL) /);
  assert.match(output, /Data folder: +\//);
  assert.match(output, /MSA server: +not used \(no live engine\)/);
  for (const family of FAMILIES) assert.match(output, new RegExp(`${family.kind} +test: \\S+; live: not configured`));
  assert.ok(output.includes(`npm install -g ${baseURL}/cli/boltz-api.tgz`));
  assert.ok(output.includes(`export BOLTZ_BASE_URL=${baseURL}`));
}

describe('operating boltz-server', () => {
  let location: Awaited<ReturnType<typeof createTestDatabaseLocation>>;
  let server: ServerProcess;
  let admin: Boltz;
  const env = () => ({ ...location.env, BOLTZ_BOOTSTRAP_ADMIN_KEY: liveAdminKey, BOLTZ_BOOTSTRAP_TEST_ADMIN_KEY: testAdminKey });

  before(async () => {
    location = await createTestDatabaseLocation();
    server = await startServerProcess({ ...env(), LOG_LEVEL: 'info', BOLTZ_TEST_TIMING: 'instant' });
    admin = new Boltz({ apiKey: liveAdminKey, baseURL: server.baseURL, maxRetries: 0, logLevel: 'off' });
  });
  after(async () => {
    if (server.child.exitCode === null) await server.stop();
    await location.dispose();
  });

  it('prints the banner once it listens: URL, docs, database, data folder, engines per family, MSA, client commands', () => {
    assertBanner(server.stdout(), server.baseURL);
  });

  it('logs refused requests (401, 404, 422, 501) at info without a stack', async () => {
    const anonymous = new Boltz({ apiKey: generateApiKey('admin', 'live'), baseURL: server.baseURL, maxRetries: 0, logLevel: 'off' });
    await assert.rejects(anonymous.auth.me({ headers: { 'x-request-id': 'refused-401' } }));
    await assert.rejects(admin.predictions.adme.start({ model: 'adme-v1', input: ADME_INPUT }, { headers: { 'x-request-id': 'refused-501' } }));
    await assert.rejects(admin.admin.workspaces.retrieve('ws_none', { headers: { 'x-request-id': 'refused-404' } }));
    const deadline = Date.now() + 10_000;
    let refused: Array<Record<string, unknown>> = [];
    while (Date.now() < deadline) {
      refused = logLines(server.stdout()).filter((line) => String(line.reqId).startsWith('refused-') && String(line.msg).startsWith('request refused'));
      if (refused.length === 3) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(refused.map((line) => line.statusCode).sort(), [401, 404, 501]);
    for (const line of refused) {
      assert.equal(line.level, 30, JSON.stringify(line));
      assert.equal(line.err, undefined);
      assert.ok(!JSON.stringify(line).includes('    at '), 'no stack');
    }
    assert.ok(!logLines(server.stdout()).some((line) => (line.level as number) >= 50), 'nothing at error');
  });

  it('records each administrative action once, denied attempts included, and `boltz-server audit` shows and filters them', async () => {
    const workspace = await admin.admin.workspaces.create({ name: 'Audited' });
    await admin.admin.workspaces.update(workspace.id, { name: 'Audited lab' });
    await admin.admin.workspaces.setSpendingLimit(workspace.id, { type: 'lifetime', limit: { amount: 1000, currency: 'MILLI_USD' } });
    const created = await admin.admin.apiKeys.create({ name: 'audited key', workspace_id: workspace.id, mode: 'live' });
    const key = { key: created.key, id: created.key_details.id };
    // Denied: a workspace key asking for an admin action (403), an unknown key (401).
    const member = new Boltz({ apiKey: key.key, baseURL: server.baseURL, maxRetries: 0, logLevel: 'off' });
    await assert.rejects(member.admin.workspaces.create({ name: 'Not allowed' }), (error) => error instanceof APIError && error.status === 403);
    const stranger = new Boltz({ apiKey: generateApiKey('admin', 'live'), baseURL: server.baseURL, maxRetries: 0, logLevel: 'off' });
    await assert.rejects(stranger.admin.apiKeys.revoke(key.id), (error) => error instanceof APIError && error.status === 401);
    await admin.admin.apiKeys.revoke(key.id);
    await admin.admin.workspaces.archive(workspace.id);
    // Reads are not administrative actions.
    await admin.admin.workspaces.list();
    // Every audited route is one the API has (a renamed route would silently go unaudited).
    const paths = ((await (await fetch(`${server.baseURL}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> }).paths;
    for (const route of Object.keys(AUDITED_ROUTES)) {
      const [method, url] = route.split(' ');
      assert.ok(paths[url.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()], `${route} is a route`);
    }

    const listed = await runServerCommand(['audit', '--json', '--limit', '1000'], location.env);
    assert.equal(listed.code, 0, listed.stderr);
    const events = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
    const summary = events.map((event) => `${event.action} ${event.outcome} ${event.target}`).sort();
    assert.deepEqual(summary, [
      `api_key.create succeeded ${key.id}`,
      `api_key.revoke denied ${key.id}`,
      `api_key.revoke succeeded ${key.id}`,
      'workspace.create denied null',
      `workspace.archive succeeded ${workspace.id}`,
      `workspace.create succeeded ${workspace.id}`,
      `workspace.spending_limit.set succeeded ${workspace.id}`,
      `workspace.update succeeded ${workspace.id}`,
    ].sort());
    const denied = events.find((event) => event.action === 'workspace.create' && event.outcome === 'denied')!;
    assert.equal(denied.actor, key.id, 'who was refused');
    assert.equal(denied.actor_type, 'api_key');
    assert.equal(denied.status_code, 403);
    assert.equal(denied.ip, '127.0.0.1');
    assert.equal(events.find((event) => event.action === 'api_key.revoke' && event.outcome === 'denied')!.actor, 'unauthenticated');
    const update = events.find((event) => event.action === 'workspace.update')!;
    assert.deepEqual(update.details, { name: 'Audited lab' });
    assert.ok(!listed.stdout.includes(key.key), 'no secret in the log');

    const filtered = await runServerCommand(['audit', '--action', 'workspace.', '--outcome', 'denied', '--since', '1h'], location.env);
    assert.equal(filtered.code, 0, filtered.stderr);
    const rows = filtered.stdout.trim().split('\n');
    assert.match(rows[0], /^TIME +ACTION +OUTCOME +ACTOR +TARGET +IP$/);
    assert.equal(rows.length, 2, filtered.stdout);
    assert.match(rows[1], /workspace\.create +denied \(403\)/);
    const bad = await runServerCommand(['audit', '--since', 'yesterday-ish'], location.env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /neither a time/);
  });

  it('records sign-ins once each: a wrong password (denied, 401) and the right one', async () => {
    const user = { email: 'signing-in@example.org', password: 'a long enough password' };
    assert.equal((await runServerCommand(['user', 'create', '--email', user.email, '--password', user.password], location.env)).code, 0);
    const { user_code: userCode } = await startDeviceAuthorization(server.baseURL);
    const browser = new FormBrowser(server.baseURL);
    const confirm = await browser.submit(await browser.get('/oauth/device'), 'op.deviceInputForm', { user_code: userCode });
    const signIn = await browser.submit(confirm, 'op.deviceConfirmForm', {});
    const refused = await browser.submit(signIn, 0, { email: user.email, password: 'not the password' });
    assert.equal(refused.status, 401);
    const consent = await browser.submit(refused, 0, { email: user.email, password: user.password });
    assert.equal(consent.status, 200);

    const listed = await runServerCommand(['audit', '--json', '--action', 'sign_in'], location.env);
    const events = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(events.map((event) => `${event.actor} ${event.outcome} ${event.status_code} ${event.ip}`), [
      `${user.email} succeeded 200 127.0.0.1`,
      `${user.email} denied 401 127.0.0.1`,
    ]);
    assert.deepEqual(events[1].details, { reason: 'incorrect email or password' });
    assert.ok(!listed.stdout.includes('not the password') && !listed.stdout.includes(user.password), 'no password in the log');
  });

  it('records host commands with the host account, failures included', async () => {
    const missing = await runServerCommand(['user', 'disable', '--email', 'nobody@example.org'], location.env);
    assert.notEqual(missing.code, 0);
    const created = await runServerCommand(['user', 'create', '--email', 'audited@example.org'], location.env);
    assert.equal(created.code, 0, created.stderr);
    const listed = await runServerCommand(['audit', '--json', '--action', 'user.'], location.env);
    const events = (JSON.parse(listed.stdout) as Array<Record<string, unknown>>).filter((event) => event.target !== 'signing-in@example.org');
    assert.deepEqual(events.map((event) => `${event.action} ${event.outcome} ${event.target} ${event.actor_type}`), [
      'user.create succeeded audited@example.org host',
      'user.disable failed nobody@example.org host',
    ]);
    assert.ok(!listed.stdout.includes(created.stdout.trim()), 'the generated password is not recorded');
  });

  it('doctor passes on a working deployment and fails, exit 1, on a setting that cannot work', async () => {
    const passed = await runServerCommand(['doctor'], location.env);
    assert.equal(passed.code, 0, passed.stdout + passed.stderr);
    assert.match(passed.stdout, /^ok +database +/m);
    assert.match(passed.stdout, /^ok +data folder +.* is writable/m);
    assert.match(passed.stdout, /All checks passed/);
    const remote = await runServerCommand(['doctor'], { ...location.env, HOST: '0.0.0.0' });
    assert.equal(remote.code, 1);
    assert.match(remote.stdout, /^FAIL +public URL +HOST=0\.0\.0\.0 accepts remote clients, so BOLTZ_PUBLIC_URL/m);
    const engine = await runServerCommand(['doctor'], { ...location.env, BOLTZ_ENGINE_EXECUTABLE: '/nonexistent/boltz' });
    assert.equal(engine.code, 1);
    assert.match(engine.stdout, /^FAIL +engine executable +\/nonexistent\/boltz is not an executable file/m);
  });

  it('a backup taken while 100 jobs are being submitted restores into a fresh data folder with every job, file and key intact', { skip: TEST_DIALECT !== 'sqlite' && 'PostgreSQL deployments back up with pg_dump (docs/operations.md)' }, async () => {
    const tester = new Boltz({ apiKey: testAdminKey, baseURL: server.baseURL, maxRetries: 2, logLevel: 'off' });
    const workspaceKey = (await admin.admin.apiKeys.create({ name: 'kept', workspace_id: (await admin.admin.workspaces.list()).data.find((w) => w.is_default)!.id, mode: 'test' })).key;
    const before = await Promise.all(Array.from({ length: 5 }, () => tester.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT })));
    for (const job of before) await waitUntilDone(tester, 'structureAndBinding', job.id, {}, 120_000);

    const backupDir = join(mkdtempSync(join(tmpdir(), 'boltz-backup-')), 'backup');
    const submitting = Promise.all(
      Array.from({ length: 100 }, (_, i) => new Promise((resolve) => setTimeout(resolve, i * 10)).then(() => tester.predictions.structureAndBinding.start({ model: 'boltz-2.1', input: STRUCTURE_INPUT }))),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const backedUp = await runServerCommand(['backup', backupDir], location.env);
    await submitting;
    assert.equal(backedUp.code, 0, backedUp.stderr);
    assert.match(backedUp.stdout, /online backup API/);

    const restoredDir = mkdtempSync(join(tmpdir(), 'boltz-restored-'));
    const restoredEnv = { BOLTZ_DATA_DIR: restoredDir };
    try {
      const restored = await runServerCommand(['restore', backupDir], restoredEnv);
      assert.equal(restored.code, 0, restored.stderr);
      const again = await runServerCommand(['restore', backupDir], restoredEnv);
      assert.equal(again.code, 1, 'a restore does not overwrite without --force');
      assert.match(again.stderr, /not empty/);

      const copy = openStorage({ url: join(restoredDir, 'boltz.sqlite') });
      const jobIds = (await copy.db.selectFrom('jobs').select('id').execute()).map((row) => row.id);
      await copy.close();
      for (const job of before) assert.ok(jobIds.includes(job.id), `${job.id} finished before the backup`);
      assert.ok(jobIds.length >= before.length);

      const second = await startServerProcess({ ...restoredEnv, BOLTZ_TEST_TIMING: 'instant', LOG_LEVEL: 'warn' });
      try {
        assertBanner(second.stdout(), second.baseURL);
        const restoredTester = new Boltz({ apiKey: testAdminKey, baseURL: second.baseURL, maxRetries: 0, logLevel: 'off' });
        for (const [apiKey, type] of [[liveAdminKey, 'admin'], [workspaceKey, 'workspace']]) {
          const me = await new Boltz({ apiKey, baseURL: second.baseURL, maxRetries: 0, logLevel: 'off' }).auth.me();
          assert.equal('key_type' in me && me.key_type, type);
        }
        // Every job of the backup is there and ends; every file of every finished job downloads.
        for (const id of jobIds) {
          const job = await waitUntilDone(restoredTester, 'structureAndBinding', id, {}, 120_000);
          assert.equal(job.status, 'succeeded', `${id}: ${JSON.stringify(job.error)}`);
          for (const file of fileObjects(job.output)) assert.equal((await download(file.url)).status, 200, `${id} ${file.path}`);
        }
      } finally {
        const stopped = await second.stop();
        assert.match(stopped.stdout, /boltz-server stopped cleanly \(SIGTERM\)/);
      }
    } finally {
      rmSync(restoredDir, { recursive: true, force: true });
      rmSync(join(backupDir, '..'), { recursive: true, force: true });
    }
  });
});
