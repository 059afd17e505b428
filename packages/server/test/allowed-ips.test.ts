import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawRequest, startTestServer, type TestServer } from './harness.ts';

/**
 * `allowed_ips` (seed "API keys"; spec/API.md §2.1): the client address is the socket's, or,
 * only behind a configured trusted proxy (TRUST_PROXY), the one `X-Forwarded-For` names.
 * Outside a non-empty list → 403 `forbidden`.
 */

async function keyAllowedFrom(server: TestServer, allowedIps: string[]): Promise<string> {
  const created = await server.client(server.liveAdminKey).admin.apiKeys.create({
    name: `allowed ${allowedIps.join(' ')}`,
    workspace_id: server.defaultWorkspaceId,
    allowed_ips: allowedIps,
  });
  return created.key;
}

async function statusOfMe(server: TestServer, apiKey: string, forwardedFor?: string): Promise<number> {
  const response = await rawRequest(server, 'GET', '/compute/v1/auth/me', {
    apiKey,
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
  });
  if (response.status !== 200) {
    assert.equal(response.body?.code, response.status === 403 ? 'forbidden' : 'unauthorized', response.text);
  }
  return response.status;
}

describe('allowed_ips over IPv4, no trusted proxy', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('admits a client whose address or range is listed and refuses any other', async () => {
    assert.equal(await statusOfMe(server, await keyAllowedFrom(server, ['127.0.0.1'])), 200);
    assert.equal(await statusOfMe(server, await keyAllowedFrom(server, ['192.0.2.1', '127.0.0.0/8'])), 200);
    assert.equal(await statusOfMe(server, await keyAllowedFrom(server, ['10.0.0.0/8'])), 403);
    assert.equal(await statusOfMe(server, await keyAllowedFrom(server, ['127.0.0.2'])), 403);
    assert.equal(await statusOfMe(server, await keyAllowedFrom(server, ['::1'])), 403, 'an IPv6 entry does not admit an IPv4 client');
  });

  it('names the refused address in the 403 message', async () => {
    const key = await keyAllowedFrom(server, ['198.51.100.0/24']);
    const response = await rawRequest(server, 'GET', '/compute/v1/auth/me', { apiKey: key });
    assert.equal(response.status, 403);
    assert.match(response.body.message, /127\.0\.0\.1/);
  });

  it('ignores X-Forwarded-For, which any client can send', async () => {
    const onlyRemote = await keyAllowedFrom(server, ['203.0.113.7']);
    assert.equal(await statusOfMe(server, onlyRemote, '203.0.113.7'), 403);
    const onlyLocal = await keyAllowedFrom(server, ['127.0.0.1']);
    assert.equal(await statusOfMe(server, onlyLocal, '203.0.113.9'), 200);
  });
});

describe('allowed_ips behind a trusted proxy (TRUST_PROXY=127.0.0.1)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ TRUST_PROXY: '127.0.0.1' });
  });
  after(() => server.close());

  it('takes the client address from X-Forwarded-For', async () => {
    const key = await keyAllowedFrom(server, ['203.0.113.7']);
    assert.equal(await statusOfMe(server, key, '203.0.113.7'), 200);
    assert.equal(await statusOfMe(server, key, '198.51.100.1'), 403);
    assert.equal(await statusOfMe(server, key), 403, 'without the header the client is the proxy itself');
  });

  it('matches IPv6 client addresses and ranges forwarded by the proxy', async () => {
    const key = await keyAllowedFrom(server, ['2001:db8::/32']);
    assert.equal(await statusOfMe(server, key, '2001:db8::5'), 200);
    assert.equal(await statusOfMe(server, key, '2001:db9::5'), 403);
    const exact = await keyAllowedFrom(server, ['2001:db8::abcd']);
    assert.equal(await statusOfMe(server, exact, '2001:0db8:0000:0000:0000:0000:0000:abcd'), 200, 'the same address written out in full');
  });

  it('believes only the hops it trusts: an address the client prepends is not the client', async () => {
    const key = await keyAllowedFrom(server, ['203.0.113.7']);
    // The proxy appends the address it saw (198.51.100.9); the client forged the first entry.
    assert.equal(await statusOfMe(server, key, '203.0.113.7, 198.51.100.9'), 403);
    assert.equal(await statusOfMe(server, key, '198.51.100.9, 203.0.113.7'), 200);
  });
});

describe('allowed_ips over an IPv6 connection ([::1])', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({}, { listenHost: '::1' });
  });
  after(() => server.close());

  it('admits ::1 by address or range and refuses IPv4 or other IPv6 entries', async () => {
    assert.equal(await statusOfMe(server, await keyAllowedFrom(server, ['::1'])), 200);
    assert.equal(await statusOfMe(server, await keyAllowedFrom(server, ['192.0.2.1', '::1/128'])), 200);
    assert.equal(await statusOfMe(server, await keyAllowedFrom(server, ['fe80::/10'])), 403);
    assert.equal(await statusOfMe(server, await keyAllowedFrom(server, ['127.0.0.1'])), 403);
  });
});

describe('allowed_ips behind one proxy hop (TRUST_PROXY=1)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ TRUST_PROXY: '1' });
  });
  after(() => server.close());

  it('takes the address the nearest proxy saw, not one the client wrote before it', async () => {
    const key = await keyAllowedFrom(server, ['198.51.100.9']);
    assert.equal(await statusOfMe(server, key, '203.0.113.7, 198.51.100.9'), 200);
    assert.equal(await statusOfMe(server, key, '198.51.100.9, 203.0.113.7'), 403);
  });
});

describe('allowed_ips behind a proxy, TRUST_PROXY=true', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ TRUST_PROXY: 'true' });
  });
  after(() => server.close());

  it('believes only the entry the proxy appended (right-most), never one the client wrote before it', async () => {
    const key = await keyAllowedFrom(server, ['198.51.100.9']);
    assert.equal(await statusOfMe(server, key, '203.0.113.7, 198.51.100.9'), 200);
    // A client behind an ordinary proxy writes the allowed address itself: the proxy appends the real one.
    assert.equal(await statusOfMe(server, key, '198.51.100.9, 203.0.113.7'), 403);
    assert.equal(await statusOfMe(server, key, '198.51.100.9, 10.1.2.3, 203.0.113.7'), 403);
  });
});
