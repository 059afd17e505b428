import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser.ts';
import { rawRequest, startTestServer, type TestServer } from './harness.ts';
import { CLI_RESOURCE, CLI_SCOPE, createTestUser, pkcePair, startDeviceAuthorization, tokenRequest } from './oauth-client.ts';

/** The sign-in pages in a real browser (Debian's Chromium through playwright-core). */
describe('OAuth sign-in in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let user: Awaited<ReturnType<typeof createTestUser>>;

  before(async () => {
    server = await startTestServer();
    user = await createTestUser(server.storage, 'grace@example.org', 'admin');
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('device code: the verification link, approval, sign-in and consent end on the success page', async () => {
    const device = await startDeviceAuthorization(server.baseURL);
    const page = await browser.newPage();
    await page.goto(device.verification_uri_complete);
    await page.getByRole('heading', { name: /Approve the CLI on/ }).waitFor();
    assert.equal(await page.locator('.code-box').textContent(), device.user_code);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByRole('heading', { name: "You're signed in" }).waitFor();
    const token = await tokenRequest(server.baseURL, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: device.device_code });
    assert.equal(token.status, 200, JSON.stringify(token.body));
    const me = await rawRequest(server, 'GET', '/compute/v1/auth/me', { headers: { authorization: `Bearer ${token.body.access_token}` } });
    assert.equal(me.body.user_id, user.id);
    await page.close();
  });

  it('typing the code by hand works, and a wrong code is explained', async () => {
    const device = await startDeviceAuthorization(server.baseURL);
    const page = await browser.newPage();
    await page.goto(device.verification_uri);
    await page.getByLabel('Code').fill('BCDF-GHJK');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').waitFor();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /not valid or has expired/);
    await page.getByLabel('Code').fill(device.user_code.toLowerCase());
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: /Approve the CLI on/ }).waitFor();
    await page.close();
  });

  it('browser flow: authorization code with PKCE lands on the loopback redirect with code and state', async () => {
    let received: URL | undefined;
    const callback = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/oauth/callback') received = url;
      response.end('Authentication complete. You can close this window.');
    });
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    const port = (callback.address() as AddressInfo).port;
    try {
      const { verifier, challenge } = pkcePair();
      const redirectUri = `http://127.0.0.1:${port}/oauth/callback`;
      const query = new URLSearchParams({
        response_type: 'code', client_id: 'boltz-cli', redirect_uri: redirectUri, scope: CLI_SCOPE, state: 'state-123',
        access_type: 'offline', code_challenge: challenge, code_challenge_method: 'S256', nonce: 'nonce-123',
        audience: CLI_RESOURCE, resource: CLI_RESOURCE,
      });
      const page = await browser.newPage();
      await page.goto(`${server.baseURL}/oauth/authorize?${query}`);
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.getByText('Authentication complete').waitFor();
      assert.equal(received?.searchParams.get('state'), 'state-123');
      const token = await tokenRequest(server.baseURL, { grant_type: 'authorization_code', code: received!.searchParams.get('code')!, redirect_uri: redirectUri, code_verifier: verifier });
      assert.equal(token.status, 200, JSON.stringify(token.body));
      await page.close();
    } finally {
      callback.close();
    }
  });
});
