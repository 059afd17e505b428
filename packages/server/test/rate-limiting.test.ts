import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawRequest, startTestServer, type TestServer } from './harness.ts';

/**
 * Per-key rate limiting (spec/API.md §3.2 and decision c): `X-RateLimit-Limit`, `-Remaining`
 * and `-Reset` (Unix seconds) on every authenticated response, whatever its status; the
 * request after the limit gets 429 `rate_limited` with `Retry-After`.
 */

function rateLimitHeaders(response: { headers: Headers }) {
  return {
    limit: response.headers.get('x-ratelimit-limit'),
    remaining: response.headers.get('x-ratelimit-remaining'),
    reset: Number(response.headers.get('x-ratelimit-reset')),
  };
}

describe('rate limiting (RATE_LIMIT_MAX=5, 60 s window)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_SECONDS: '60' });
  });
  after(() => server.close());

  it('counts every authenticated response of a key, successful or not, and refuses the 6th with 429', async () => {
    const key = server.liveAdminKey;
    const startedAt = Math.floor(Date.now() / 1000);
    const responses = [
      await rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: key }),
      await rawRequest(server, 'GET', '/compute/v1/admin/workspaces', { apiKey: key }),
      await rawRequest(server, 'GET', '/compute/v1/admin/workspaces/ws_doesNotExist', { apiKey: key }),
      await rawRequest(server, 'GET', '/compute/v1/admin/api-keys?limit=0', { apiKey: key }),
      await rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: key }),
    ];
    assert.deepEqual(responses.map((r) => r.status), [200, 200, 404, 400, 200]);
    const headers = responses.map(rateLimitHeaders);
    assert.deepEqual(headers.map((h) => h.remaining), ['4', '3', '2', '1', '0']);
    for (const h of headers) {
      assert.equal(h.limit, '5');
      assert.ok(Number.isInteger(h.reset), `reset is whole Unix seconds: ${h.reset}`);
      assert.ok(h.reset >= startedAt + 59 && h.reset <= startedAt + 65, `reset ${h.reset} is about one window after ${startedAt}`);
      assert.equal(h.reset, headers[0].reset, 'one window, one reset time');
    }

    const refused = await rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: key });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, 'rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${retryAfter}`);
    assert.deepEqual(rateLimitHeaders(refused), { limit: '5', remaining: '0', reset: headers[0].reset });
  });

  it('keeps an independent budget for every key', async () => {
    const workspaceKey = (await server.client(server.testAdminKey).admin.apiKeys.create({ name: 'budget', workspace_id: server.defaultWorkspaceId })).key;
    // The test admin key has spent one request on the creation above.
    assert.equal(rateLimitHeaders(await rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: server.testAdminKey })).remaining, '3');
    for (const remaining of ['4', '3', '2', '1', '0']) {
      const response = await rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: workspaceKey });
      assert.equal(response.status, 200);
      assert.equal(rateLimitHeaders(response).remaining, remaining);
    }
    assert.equal((await rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: workspaceKey })).status, 429);
    assert.equal((await rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: server.testAdminKey })).status, 200, 'other keys are unaffected');
  });

  it('sends no rate-limit headers without a valid key, and does not count public routes', async () => {
    const unauthenticated = await rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: 'sk_bc_admin_live_' + 'x'.repeat(40) });
    assert.equal(unauthenticated.status, 401);
    assert.equal(unauthenticated.headers.get('x-ratelimit-limit'), null);
    for (let i = 0; i < 7; i++) assert.equal((await rawRequest(server, 'GET', '/healthz')).status, 200);
    assert.equal((await rawRequest(server, 'GET', '/healthz')).headers.get('x-ratelimit-limit'), null);
  });
});

describe('rate limiting: a new window restores the budget (RATE_LIMIT_WINDOW_SECONDS=2)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW_SECONDS: '2' });
  });
  after(() => server.close());

  it('admits the key again once Retry-After has passed', async () => {
    const send = () => rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: server.liveAdminKey });
    let refused = await send();
    for (let i = 0; i < 10 && refused.status !== 429; i++) refused = await send();
    assert.equal(refused.status, 429);
    await new Promise((resolve) => setTimeout(resolve, Number(refused.headers.get('retry-after')) * 1000 + 50));
    const admitted = await send();
    assert.equal(admitted.status, 200, admitted.text);
    assert.equal(rateLimitHeaders(admitted).remaining, '1');
  });
});
