import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateApiKey } from '@boltz/shared';
import { createTestDatabaseLocation } from './harness.ts';
import { type ServerProcess, freePort, runServerCommand, startServerProcess } from './server-process.ts';

/**
 * The deployment recipe (docs/operations.md "Deploy"): Debian's nginx with deploy/nginx/boltz.conf
 * and a self-signed certificate in front of the server, which runs with TRUST_PROXY=1 and
 * BOLTZ_PUBLIC_URL set to the proxy's https origin. Through it: the official SDK, a presigned
 * download and `boltz-api auth login --device-code` (nginx-client.ts, a process that trusts the
 * certificate).
 */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path));

/** deploy/nginx/boltz.conf with this test's ports, host name and certificate. */
function renderSite(serverPort: number, httpPort: number, tlsPort: number, dir: string): string {
  const site = readFileSync(join(ROOT, 'deploy/nginx/boltz.conf'), 'utf8');
  const replacements: Array<[string, string]> = [
    ['server 127.0.0.1:8080;', `server 127.0.0.1:${serverPort};`],
    ['listen 80;', `listen 127.0.0.1:${httpPort};`],
    ['listen 443 ssl http2;', `listen 127.0.0.1:${tlsPort} ssl http2;`],
    ['/etc/ssl/boltz/fullchain.pem', join(dir, 'cert.pem')],
    ['/etc/ssl/boltz/privkey.pem', join(dir, 'key.pem')],
  ];
  let rendered = site.replaceAll('server_name boltz.example.org;', 'server_name localhost;');
  for (const [from, to] of replacements) {
    assert.ok(rendered.includes(from), `deploy/nginx/boltz.conf has ${from}`);
    rendered = rendered.replace(from, to);
  }
  return rendered;
}

describe('behind nginx with TLS (deploy/nginx/boltz.conf)', { skip: !NGINX && 'nginx is not installed (apt-get install nginx-light; .ci/run installs it)' }, () => {
  const adminKey = generateApiKey('admin', 'test');
  const user = { email: 'proxied@example.org', password: 'correct horse battery staple' };
  const dir = mkdtempSync(join(tmpdir(), 'boltz-nginx-'));
  let location: Awaited<ReturnType<typeof createTestDatabaseLocation>>;
  let server: ServerProcess;
  let nginx: ChildProcess;
  let baseURL: string;

  before(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const [httpPort, tlsPort] = [await freePort(), await freePort()];
    baseURL = `https://localhost:${tlsPort}`;
    location = await createTestDatabaseLocation();
    server = await startServerProcess({ ...location.env, BOLTZ_BOOTSTRAP_TEST_ADMIN_KEY: adminKey, BOLTZ_PUBLIC_URL: baseURL, TRUST_PROXY: '1', BOLTZ_TEST_TIMING: 'instant', LOG_LEVEL: 'warn' });
    const created = await runServerCommand(['user', 'create', '--email', user.email, '--password', user.password, '--role', 'admin'], location.env);
    assert.equal(created.code, 0, created.stderr);

    writeFileSync(join(dir, 'site.conf'), renderSite(server.port, httpPort, tlsPort, dir));
    const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `${name}_temp_path ${join(dir, name)};`).join(' ');
    writeFileSync(
      join(dir, 'nginx.conf'),
      `${process.getuid?.() === 0 ? 'user root;\n' : ''}daemon off;\nworker_processes 1;\npid ${join(dir, 'nginx.pid')};\nerror_log ${join(dir, 'error.log')} warn;\nevents {}\nhttp {\n  access_log off;\n  ${temp}\n  include ${join(dir, 'site.conf')};\n}\n`,
    );
    const checked = spawnSync(NGINX!, ['-t', '-c', join(dir, 'nginx.conf'), '-p', dir], { encoding: 'utf8' });
    assert.equal(checked.status, 0, checked.stderr);
    nginx = spawn(NGINX!, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${tlsPort}`], { input: '', timeout: 5000 }).status === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  after(async () => {
    nginx?.kill('SIGQUIT');
    await server?.stop();
    await location?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the official SDK, presigned downloads and auth login --device-code work through it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'packages/server/test/nginx-client.ts'), JSON.stringify({ baseURL, adminKey, user })], {
      cwd: ROOT,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr + stdout);
    const found = JSON.parse(stdout.trim().split('\n').at(-1)!);

    assert.equal(found.me.key_type, 'admin');
    assert.equal(found.jobStatus, 'succeeded');
    assert.ok(found.downloads.length > 0);
    for (const download of found.downloads) {
      assert.ok(download.url.startsWith(`${baseURL}/compute/v1/files/`), `presigned URLs use BOLTZ_PUBLIC_URL: ${download.url}`);
      assert.equal(download.status, 200);
    }
    assert.equal(found.login.code, 0, found.login.stderr + found.login.stdout);
    assert.match(found.login.stdout, /"event":"success"/);
    assert.equal(found.status.code, 0, found.status.stderr);
    assert.match(found.status.stdout, /proxied@example\.org/);

    // TRUST_PROXY=1: the address nginx appended is believed, not the one the client wrote.
    const audit = await runServerCommand(['audit', '--json', '--action', 'workspace.create'], location.env);
    const [event] = JSON.parse(audit.stdout) as Array<{ ip: string; target: string }>;
    assert.equal(event.target, found.workspaceId);
    assert.equal(event.ip, '127.0.0.1');
  });
});
