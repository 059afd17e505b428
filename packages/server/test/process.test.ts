import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import Fastify, { type RouteOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { generateApiKey } from '@boltz/shared';
import { openStorage, type Storage } from '@boltz/storage';
import { ROUTES } from '../src/routes/index.ts';
import { createTestDatabaseLocation, rawRequest } from './harness.ts';
import { type ServerProcess, runServerCommand, startServerProcess } from './server-process.ts';

/**
 * The `boltz-server` executable as an operator runs it (README "Admin keys", "Operating it"):
 * bootstrap output, exit codes, the admin-key and migrate subcommands, graceful shutdown,
 * request ids, logs, and the OpenAPI document.
 */

const ANY_KEY = /sk_bc_(?:admin|ws)_(?:live|test)_[0-9A-Za-z]{32,128}/g;

function keysIn(text: string): string[] {
  return text.match(ANY_KEY) ?? [];
}

function openLocation(location: { url: string; schema?: string }): Storage {
  return openStorage({ url: location.url, schema: location.schema, poolSize: 1 });
}

async function me(server: { baseURL: string }, apiKey: string) {
  return rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey });
}

describe('boltz-server: first start, second start, and a running server', () => {
  let location: Awaited<ReturnType<typeof createTestDatabaseLocation>>;
  let liveKey: string;
  let testKey: string;
  /** The second start, kept running for the operability checks and stopped by SIGTERM last. */
  let server: ServerProcess;
  let mintedKey: string;

  before(async () => {
    location = await createTestDatabaseLocation();
  });
  after(async () => {
    if (server && server.child.exitCode === null) await server.stop();
    await location.dispose();
  });

  it('prints one live and one test admin key on the first start, each exactly once, and they authenticate', async () => {
    const first = await startServerProcess({ ...location.env, LOG_LEVEL: 'info' });
    try {
      const printed = keysIn(first.stdout());
      assert.equal(printed.length, 2, first.stdout());
      [liveKey, testKey] = printed;
      assert.match(liveKey, /^sk_bc_admin_live_/);
      assert.match(testKey, /^sk_bc_admin_test_/);
      assert.match(first.stdout(), /Live admin key: sk_bc_admin_live_/);
      assert.equal(keysIn(first.stderr()).length, 0, 'keys go to stdout only');

      for (const [key, mode] of [[liveKey, 'live'], [testKey, 'test']] as const) {
        const response = await me(first, key);
        assert.equal(response.status, 200, response.text);
        assert.equal(response.body.key_type, 'admin');
        assert.equal(response.body.mode, mode);
      }
    } finally {
      const exit = await first.stop();
      assert.equal(exit.code, 0, exit.stderr);
      assert.deepEqual(keysIn(exit.stdout), [liveKey, testKey], 'nothing after the announcement repeats a key');
    }
  });

  it('prints no key on a second start with the same database', async () => {
    server = await startServerProcess({ ...location.env, LOG_LEVEL: 'debug', LAST_USED_FLUSH_MS: '600000' });
    assert.deepEqual(keysIn(server.stdout() + server.stderr()), []);
    assert.doesNotMatch(server.stdout(), /first start/);
    assert.equal((await me(server, liveKey)).status, 200);
  });

  it('answers /healthz and /readyz', async () => {
    const health = await rawRequest(server, 'GET', '/healthz');
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'ok' });
    const ready = await rawRequest(server, 'GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { status: 'ready', engines: [] }, 'no live engine configured');
  });

  it('puts an x-request-id on every response and keeps a sane one sent by the caller', async () => {
    const responses = [
      await rawRequest(server, 'GET', '/healthz'),
      await me(server, liveKey),
      await rawRequest(server, 'GET', '/compute/v1/auth/me'),
      await rawRequest(server, 'GET', '/compute/v1/no-such-route'),
      await rawRequest(server, 'POST', '/compute/v1/admin/workspaces', { apiKey: liveKey, body: '{', headers: { 'content-type': 'application/json' } }),
    ];
    assert.deepEqual(responses.map((r) => r.status), [200, 200, 401, 404, 400]);
    const ids = responses.map((r) => r.headers.get('x-request-id'));
    for (const id of ids) assert.ok(id && id.length > 0, `x-request-id missing: ${ids}`);
    assert.equal(new Set(ids).size, ids.length, 'request ids are unique');

    const echoed = await rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: liveKey, headers: { 'x-request-id': 'trace-4f2a.9:b_c' } });
    assert.equal(echoed.headers.get('x-request-id'), 'trace-4f2a.9:b_c');
    for (const insane of ['has spaces in it', 'x'.repeat(129), 'semi;colon']) {
      const replaced = await rawRequest(server, 'GET', '/healthz', { headers: { 'x-request-id': insane } });
      const id = replaced.headers.get('x-request-id');
      assert.ok(id && id !== insane, `an unsafe x-request-id is replaced, got ${id}`);
    }
    await waitFor(() => server.stdout().includes('"reqId":"trace-4f2a.9:b_c"'), 'the logs to carry the request id');
  });

  it('admin-key create mints a working test admin key, printed on stdout only, while the server runs on the same database', async () => {
    const result = await runServerCommand(['admin-key', 'create', '--mode', 'test', '--name', 'Recovery'], location.env);
    assert.equal(result.code, 0, result.stderr);
    mintedKey = result.stdout.trim();
    assert.match(mintedKey, /^sk_bc_admin_test_[0-9A-Za-z]{40}$/);
    assert.deepEqual(keysIn(result.stdout), [mintedKey], 'stdout holds the key and nothing else');
    assert.deepEqual(keysIn(result.stderr), []);
    assert.match(result.stderr, /test admin key key_/);

    const response = await me(server, mintedKey);
    assert.equal(response.status, 200, response.text);
    assert.equal(response.body.key_type, 'admin');
    assert.equal(response.body.mode, 'test');
    const listed = await rawRequest(server, 'GET', '/compute/v1/admin/api-keys', { apiKey: liveKey });
    assert.ok(listed.body.data.some((key: { id: string; name: string }) => key.id === response.body.api_key_id && key.name === 'Recovery'));
  });

  it('admin-key create refuses an unknown mode without creating anything', async () => {
    const result = await runServerCommand(['admin-key', 'create', '--mode', 'staging'], location.env);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /staging/);
    assert.deepEqual(keysIn(result.stdout + result.stderr), []);
  });

  it('serves an OpenAPI 3.1 document with every /compute/v1 route and its request and response schemas', async () => {
    // The routes as the server registers them, collected from the same table the app uses.
    const recorder = Fastify().withTypeProvider<TypeBoxTypeProvider>();
    const routes: RouteOptions[] = [];
    recorder.addHook('onRoute', (route) => void routes.push(route));
    for (const route of ROUTES) route(recorder);
    const apiRoutes = routes.filter((route) => route.url.startsWith('/compute/v1/') && route.method !== 'HEAD');
    assert.ok(apiRoutes.length >= 12, `found only ${apiRoutes.length} API routes`);

    const response = await rawRequest(server, 'GET', '/openapi.json');
    assert.equal(response.status, 200);
    const document = response.body;
    assert.match(document.openapi, /^3\.1\./);
    for (const route of apiRoutes) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      for (const method of [route.method].flat()) {
        const label = `${method} ${path}`;
        const operation = document.paths?.[path]?.[method.toLowerCase()];
        assert.ok(operation, `${label} is missing from /openapi.json`);
        const success = Object.values(operation.responses?.['200']?.content ?? {}) as Array<{ schema?: object }>;
        assert.ok(success.some((media) => media.schema), `${label} has no 200 response schema`);
        if (route.schema?.body) assert.ok(operation.requestBody?.content?.['application/json']?.schema, `${label} has no request body schema`);
        for (const [part, place] of [['params', 'path'], ['querystring', 'query']] as const) {
          for (const name of Object.keys((route.schema?.[part] as { properties?: object })?.properties ?? {})) {
            const documented = operation.parameters?.some((p: { in: string; name: string }) => p.in === place && p.name === name);
            assert.ok(documented, `${label} does not document its ${place} parameter ${name}`);
          }
        }
      }
    }
  });

  it('serves the interactive reference at /docs', async () => {
    const response = await fetch(`${server.baseURL}/docs`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await response.text(), /<html/i);
  });

  it('never writes an API key to its logs, even at LOG_LEVEL=debug', async () => {
    const created = await rawRequest(server, 'POST', '/compute/v1/admin/api-keys', {
      apiKey: liveKey,
      body: JSON.stringify({ name: 'Logged?', workspace_id: (await defaultWorkspaceId(server, liveKey)) }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(created.status, 200, created.text);
    const workspaceKey: string = created.body.key;
    await rawRequest(server, 'GET', '/compute/v1/auth/me', { headers: { authorization: `Bearer ${workspaceKey}` } });
    await rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: generateApiKey('admin', 'live') });
    await rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: `${liveKey}x`, headers: { 'x-request-id': 'last-logged' } });
    await waitFor(() => server.stdout().includes('"reqId":"last-logged","res"'), 'the last request to be logged');

    const logs = server.stdout() + server.stderr();
    assert.match(logs, /"reqId":"[^"]+","req":\{"method":"POST","url":"\/compute\/v1\/admin\/api-keys"/, 'requests are being logged');
    assert.deepEqual(keysIn(logs), []);
    for (const secret of [liveKey, testKey, mintedKey, workspaceKey]) assert.ok(!logs.includes(secret.slice(-32)));
  });

  it('on SIGTERM finishes the request in flight, writes pending last_used_at values and exits 0', async () => {
    const storage = openLocation(location);
    try {
      const keyId = (await me(server, mintedKey)).body.api_key_id as string;
      const before = await storage.db.selectFrom('api_keys').select('last_used_at').where('id', '=', keyId).executeTakeFirstOrThrow();
      assert.equal(before.last_used_at, null, 'uses are batched in memory, not written per request');

      // A request whose body is still arriving when the signal comes.
      const body = JSON.stringify({ name: 'Created while draining' });
      const inFlight = slowRequest(server.port, '/compute/v1/admin/workspaces', { 'x-api-key': mintedKey, 'x-request-id': 'draining-1' }, body);
      await waitFor(() => server.stdout().includes('"reqId":"draining-1"'), 'the server to receive the slow request');
      server.child.kill('SIGTERM');
      await waitFor(() => server.stdout().includes('shutting down'), 'the server to start draining');
      const response = await inFlight.finish();
      assert.equal(response.status, 200, response.text);

      const exit = await server.exited;
      assert.equal(exit.code, 0, exit.stderr);
      const after = await storage.db.selectFrom('api_keys').select('last_used_at').where('id', '=', keyId).executeTakeFirstOrThrow();
      assert.ok(after.last_used_at, 'last_used_at written at shutdown');
      const workspace = await storage.db.selectFrom('workspaces').select('name').where('id', '=', JSON.parse(response.text).id).executeTakeFirst();
      assert.equal(workspace?.name, 'Created while draining');
    } finally {
      await storage.close();
    }
  });
});

describe('boltz-server: bootstrap variables and migrate', () => {
  it('registers BOLTZ_BOOTSTRAP_ADMIN_KEY and BOLTZ_BOOTSTRAP_TEST_ADMIN_KEY at first start instead of generating keys', async () => {
    const location = await createTestDatabaseLocation();
    const liveKey = generateApiKey('admin', 'live');
    const testKey = 'sk_bc_admin_test_' + 'Ab1'.repeat(20);
    const server = await startServerProcess({ ...location.env, BOLTZ_BOOTSTRAP_ADMIN_KEY: liveKey, BOLTZ_BOOTSTRAP_TEST_ADMIN_KEY: testKey });
    try {
      assert.deepEqual(new Set(keysIn(server.stdout() + server.stderr())), new Set([liveKey, testKey]), 'no generated key is printed');
      assert.equal((await me(server, liveKey)).body.mode, 'live');
      assert.equal((await me(server, testKey)).body.mode, 'test');
      const listed = await rawRequest(server, 'GET', '/compute/v1/admin/api-keys', { apiKey: liveKey });
      assert.equal(listed.body.data.length, 2, 'only the two registered admin keys exist');
    } finally {
      assert.equal((await server.stop()).code, 0);
      await location.dispose();
    }
  });

  // Malformed, the other mode's prefix, a workspace key's prefix.
  const badBootstrapValues: Array<[string, string]> = [
    ['BOLTZ_BOOTSTRAP_ADMIN_KEY', 'sk_bc_admin_live_tooShort'],
    ['BOLTZ_BOOTSTRAP_TEST_ADMIN_KEY', generateApiKey('admin', 'live')],
    ['BOLTZ_BOOTSTRAP_ADMIN_KEY', generateApiKey('workspace', 'live')],
  ];
  for (const [variable, value] of badBootstrapValues) {
    it(`exits with code 2 and says why when ${variable}=${value.slice(0, 22)}…`, async () => {
      const location = await createTestDatabaseLocation();
      try {
        const result = await runServerCommand([], { ...location.env, PORT: '0', [variable]: value });
        assert.equal(result.code, 2, `exit ${result.code ?? result.signal}\n${result.stderr}`);
        assert.match(result.stderr, new RegExp(`${variable} must be an sk_bc_admin_${variable.includes('TEST') ? 'test' : 'live'}_ key`));
        assert.deepEqual(keysIn(result.stdout), [], 'no key printed');
        const storage = openLocation(location);
        try {
          assert.equal(await storage.organizations.count(), 0, 'nothing was bootstrapped');
        } finally {
          await storage.close();
        }
      } finally {
        await location.dispose();
      }
    });
  }

  it('refuses to serve on a non-loopback HOST without BOLTZ_PUBLIC_URL, saying what to set (exit 2)', async () => {
    const location = await createTestDatabaseLocation();
    try {
      const result = await runServerCommand([], { ...location.env, HOST: '0.0.0.0', PORT: '0' });
      assert.equal(result.code, 2, `exit ${result.code ?? result.signal}\n${result.stderr}`);
      assert.match(result.stderr, /HOST=0\.0\.0\.0 accepts remote clients, so BOLTZ_PUBLIC_URL must say which origin they use \(e\.g\. BOLTZ_PUBLIC_URL=https:\/\/boltz\.example\.org\)/);
      assert.deepEqual(keysIn(result.stdout), [], 'nothing bootstrapped');
    } finally {
      await location.dispose();
    }
  });

  it('migrate applies every migration to an empty database, then reports it up to date', async () => {
    const location = await createTestDatabaseLocation();
    try {
      const first = await runServerCommand(['migrate'], location.env);
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /^Applied: 0001_organizations_workspaces_api_keys, 0002_/);
      const second = await runServerCommand(['migrate'], location.env);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.stdout, 'Database is up to date.\n');

      const storage = openLocation(location);
      try {
        assert.equal(await storage.organizations.count(), 0, 'migrate does not bootstrap');
        assert.deepEqual(await storage.migrate(), [], 'the schema is at the latest migration');
      } finally {
        await storage.close();
      }
    } finally {
      await location.dispose();
    }
  });
});

async function defaultWorkspaceId(server: { baseURL: string }, apiKey: string): Promise<string> {
  const listed = await rawRequest(server, 'GET', '/compute/v1/admin/workspaces', { apiKey });
  return listed.body.data.find((workspace: { is_default: boolean }) => workspace.is_default).id;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sends the headers and the first half of the body now, and the rest when `finish` is called. */
function slowRequest(port: number, path: string, headers: Record<string, string>, body: string) {
  const half = Math.floor(body.length / 2);
  const request = httpRequest({
    host: '127.0.0.1',
    port,
    path,
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    request.on('error', reject);
    request.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
  });
  request.flushHeaders();
  request.write(body.slice(0, half));
  return {
    finish() {
      request.end(body.slice(half));
      return response;
    },
  };
}
