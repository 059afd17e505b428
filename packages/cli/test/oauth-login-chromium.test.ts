import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../server/test/browser.ts';
import { rawRequest, startTestServer, type TestServer } from '../../server/test/harness.ts';
import { createTestUser } from '../../server/test/oauth-client.ts';
import { type CliHome, RunningCli, newCliHome, readSession, runCli } from './oauth-cli.ts';

type User = Awaited<ReturnType<typeof createTestUser>>;

/**
 * Issue 5's end-to-end judging: `boltz-api auth login` as a real process, the sign-in pages in
 * headless Chromium, then the stored session used for API calls, admin rights checked by the
 * server, and `auth logout` ending it (also on the server: the old access token gets 401).
 */
describe('boltz-api auth login end to end in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: User;
  let member: User;

  before(async () => {
    server = await startTestServer();
    admin = await createTestUser(server.storage, 'ada@example.org', 'admin');
    member = await createTestUser(server.storage, 'max@example.org', 'member');
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signInOnPage(page: Page, user: User): Promise<void> {
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
  }

  /** `auth login --device-code`: the URL and code it prints are used in the browser. */
  async function deviceLoginInChromium(home: CliHome, user: User): Promise<string> {
    const cli = new RunningCli(['auth', 'login', '--device-code'], home.env);
    const page = await browser.newPage();
    try {
      const [, url, code] = await cli.waitForOutput(/Open this URL to authenticate:\n(\S+)\nEnter this code:\n(\S+)\n/);
      await page.goto(url);
      await page.getByRole('heading', { name: /Approve the CLI on/ }).waitFor();
      assert.equal(await page.locator('.code-box').textContent(), code, 'the page shows the code the CLI printed');
      await page.getByRole('button', { name: 'Approve' }).click();
      await signInOnPage(page, user);
      await page.getByRole('heading', { name: "You're signed in" }).waitFor();
      const result = await cli.done;
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /^Could not open browser automatically: .*$/m);
      assert.match(result.stdout, /Authentication successful\.\n$/);
      return result.stdout;
    } finally {
      cli.kill();
      await page.close();
    }
  }

  /** The server refuses a revoked grant's access tokens; it may trust a grant it saw alive for 2 s. */
  async function statusWithToken(token: string): Promise<number> {
    let status = 0;
    for (let attempt = 0; attempt < 20; attempt++) {
      status = (await rawRequest(server, 'GET', '/compute/v1/auth/me', { headers: { authorization: `Bearer ${token}` } })).status;
      if (status !== 200) break;
      await sleep(250);
    }
    return status;
  }

  it('device code: sign in and approve in the browser, then status, admin rights and logout', async () => {
    const adminHome = newCliHome(server);
    const memberHome = newCliHome(server);
    await deviceLoginInChromium(adminHome, admin);
    await deviceLoginInChromium(memberHome, member);

    const status = await runCli(['auth', 'status'], { env: adminHome.env });
    assert.equal(status.code, 0, status.stdout);
    const state = JSON.parse(status.stdout);
    assert.equal(state.authenticated, true);
    assert.equal(state.effective_mode, 'oauth');
    assert.equal(state.identity.email, admin.email);
    assert.equal(state.identity.subject, admin.id);
    assert.equal(state.selected_org, server.organizationId);

    const [adminList, memberList, memberMe] = await Promise.all([
      runCli(['admin:workspaces', 'list'], { env: adminHome.env }),
      runCli(['admin:workspaces', 'list'], { env: memberHome.env }),
      runCli(['auth', 'me'], { env: memberHome.env }),
    ]);
    assert.equal(adminList.code, 0, adminList.stderr);
    assert.equal(adminList.stderr, '');
    assert.match(adminList.stdout, /"is_default": true/);
    assert.equal(memberList.code, 1);
    assert.match(memberList.stderr, /^GET ".*\/compute\/v1\/admin\/workspaces.*": 403 Forbidden$/m);
    assert.equal(memberMe.code, 0, memberMe.stderr);
    assert.equal(JSON.parse(memberMe.stdout).organization_memberships[0].compute_role, 'member');

    const accessToken = readSession(adminHome).access_token;
    const logout = await runCli(['auth', 'logout'], { env: adminHome.env });
    assert.equal(logout.code, 0, logout.stderr);
    assert.equal(logout.stdout, 'Logged out.\n');
    const afterLogout = await runCli(['admin:workspaces', 'list'], { env: adminHome.env });
    assert.equal(afterLogout.code, 1);
    assert.equal(JSON.parse(afterLogout.stdout).code, 'auth_required');
    assert.equal(await statusWithToken(accessToken), 401, 'the revoked sign-in no longer opens the API');
  });

  it('browser (loopback PKCE): the printed URL, signed in and allowed in Chromium, ends in "Authentication successful."', async () => {
    const home = newCliHome(server);
    const cli = new RunningCli(['auth', 'login', '--listen-port', '0'], home.env);
    const page = await browser.newPage();
    try {
      const [, url] = await cli.waitForOutput(/Open this URL to authenticate:\n(\S+)\n/);
      const authorize = new URL(url);
      assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
      assert.match(authorize.searchParams.get('redirect_uri')!, /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
      await page.goto(url);
      await signInOnPage(page, admin);
      await page.getByText('Authentication complete. You can close this window.').waitFor();
      const result = await cli.done;
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /Authentication successful\.\n$/);
    } finally {
      cli.kill();
      await page.close();
    }

    const [status, me, adminList] = await Promise.all([
      runCli(['auth', 'status'], { env: home.env }),
      runCli(['auth', 'me'], { env: home.env }),
      runCli(['admin:workspaces', 'list'], { env: home.env }),
    ]);
    assert.equal(status.code, 0);
    assert.equal(JSON.parse(status.stdout).identity.email, admin.email);
    assert.equal(JSON.parse(status.stdout).selected_org, server.organizationId);
    assert.equal(me.code, 0, me.stderr);
    assert.equal(JSON.parse(me.stdout).user_id, admin.id);
    assert.equal(adminList.code, 0, adminList.stderr);

    const accessToken = readSession(home).access_token;
    assert.equal((await runCli(['auth', 'logout'], { env: home.env })).code, 0);
    const afterLogout = await runCli(['auth', 'me'], { env: home.env });
    assert.equal(afterLogout.code, 1);
    assert.equal(JSON.parse(afterLogout.stdout).code, 'auth_required');
    assert.equal(await statusWithToken(accessToken), 401);
  });
});
