// Screenshots of every web page the server shows, at desktop and phone widths, for review:
// `npm run screenshots` writes docs/screenshots/<page>-<width>.png. Uses Debian's Chromium.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../packages/server/test/browser.ts';
import { startTestServer } from '../packages/server/test/harness.ts';
import { createTestUser, startDeviceAuthorization, CLI_RESOURCE, CLI_SCOPE, pkcePair } from '../packages/server/test/oauth-client.ts';

const OUT = join(import.meta.dirname, '..', 'docs', 'screenshots');
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

mkdirSync(OUT, { recursive: true });
const server = await startTestServer();
const user = await createTestUser(server.storage, 'ada@example.org', 'admin');
const browser: Browser = await launchChromium();

async function shoot(page: Page, name: string, viewport: keyof typeof VIEWPORTS) {
  const file = join(OUT, `${name}-${viewport}.png`);
  await page.screenshot({ path: file, fullPage: true });
  process.stdout.write(`${file}\n`);
}

for (const viewport of Object.keys(VIEWPORTS) as Array<keyof typeof VIEWPORTS>) {
  const context = await browser.newContext({ viewport: VIEWPORTS[viewport], deviceScaleFactor: viewport === 'phone' ? 2 : 1 });
  const page = await context.newPage();

  const device = await startDeviceAuthorization(server.baseURL);
  await page.goto(device.verification_uri);
  await shoot(page, 'device-code-entry', viewport);
  await page.getByLabel('Code').fill('BCDF-GHJK');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('alert').waitFor();
  await shoot(page, 'device-code-wrong', viewport);
  await page.getByLabel('Code').fill(device.user_code);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: /Approve the CLI/ }).waitFor();
  await shoot(page, 'device-approve', viewport);
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.getByLabel('Email').waitFor();
  await shoot(page, 'sign-in', viewport);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  await shoot(page, 'sign-in-failed', viewport);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Allow' }).waitFor();
  await shoot(page, 'consent', viewport);
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.getByRole('heading', { name: "You're signed in" }).waitFor();
  await shoot(page, 'device-success', viewport);

  await page.goto(`${server.baseURL}/oauth/logout`);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await shoot(page, 'sign-out', viewport);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
  await shoot(page, 'signed-out', viewport);

  const { challenge } = pkcePair();
  await page.goto(`${server.baseURL}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'boltz-cli', redirect_uri: 'https://evil.example/callback', scope: CLI_SCOPE, code_challenge: challenge, code_challenge_method: 'S256', resource: CLI_RESOURCE })}`);
  await shoot(page, 'error', viewport);
  await context.close();
}

await browser.close();
await server.close();
