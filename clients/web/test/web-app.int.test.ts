/**
 * The web app end to end: its static build served with the APIs on one origin, real services over
 * the local stack (Auth, Document, Search and the event pipeline between them, as the CLI's tests
 * start them), and Debian's Chromium clicking through it as people do. Screenshots of each page go
 * to clients/web/test-results/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Services, startServices } from '../../cli/test/fixtures/services.js';
import { launchBrowser } from './fixtures/browser.js';
import { startWebGateway } from './fixtures/web-gateway.js';

const webDir = resolve(import.meta.dirname, '..');
const dist = resolve(webDir, 'dist');
const artifacts = resolve(webDir, 'test-results');
const password = 'correct horse battery staple';
const word = `zephyr${Date.now().toString(36)}`;

let services: Services;
let gateway: Awaited<ReturnType<typeof startWebGateway>>;
let browser: Browser;

const shot = (page: Page, name: string) =>
  page.screenshot({ path: resolve(artifacts, `${name}.png`), fullPage: true });

async function signUp(page: Page, email: string) {
  await page.goto(gateway.url);
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('heading', { name: 'Documents' }).waitFor();
}

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  // A child process: Vitest sets NODE_ENV=test, and the build measured and served is the production one.
  execFileSync(resolve(webDir, '../../node_modules/.bin/vite'), ['build', '--logLevel', 'warn'], {
    cwd: webDir,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: 'inherit',
  });
  const sizes = readdirSync(resolve(dist, 'assets')).map(
    (f) => `${f} ${statSync(resolve(dist, 'assets', f)).size} B`,
  );
  console.log(`vite build output: ${sizes.join(', ')}`);
  services = await startServices();
  gateway = await startWebGateway(dist, services.url);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await services?.close();
});

describe('the web app, through the gateway, against the real services', () => {
  it('is interactive quickly on a throttled profile (measured, not asserted)', async () => {
    const page = await browser.newPage();
    const cdp = await page.context().newCDPSession(page);
    // A mid-range phone on a fast 3G network, as Lighthouse's mobile profile throttles.
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const start = Date.now();
    await page.goto(gateway.url);
    await page.getByLabel('Email').fill('ready@example.com');
    console.log(`first page interactive after ${Date.now() - start} ms (4x CPU slowdown, fast 3G)`);
    await page.close();
  });

  it('lets people sign up, upload, find, share, download and see every page', async () => {
    const ada = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await ada.goto(gateway.url);
    await shot(ada, '01-log-in');
    await signUp(ada, `ada.${word}@example.com`);
    await shot(ada, '02-documents-empty');

    // Upload through the file chooser the drop zone labels.
    const content = Buffer.from(`Quarterly notes mentioning ${word}.\n${'x'.repeat(2000)}\n`);
    await ada.getByLabel('Drop a file here, or choose one').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: content,
    });
    await ada.getByLabel('Tags', { exact: true }).first().fill('e2e, notes');
    await ada.getByRole('button', { name: 'Upload' }).click();
    await ada.getByRole('button', { name: 'Download notes.txt' }).waitFor();
    await shot(ada, '03-documents');

    // The download is the uploaded bytes, exactly.
    const [download] = await Promise.all([
      ada.waitForEvent('download'),
      ada.getByRole('button', { name: 'Download notes.txt' }).click(),
    ]);
    const saved = await download.path();
    expect(readFileSync(saved).equals(content)).toBe(true);

    // Search finds it once the event pipeline indexed it; until then Enter searches again, as people
    // do (the debounced search runs only when the words change).
    await ada.goto(`${gateway.url}/#/search`);
    const box = ada.getByLabel('Search documents');
    await box.fill(word);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const found = ada.locator('mark', { hasText: word });
      const shown = await found
        .first()
        .waitFor({ timeout: 3_000 })
        .then(() => true)
        .catch(() => false);
      if (shown) break;
      if (Date.now() > deadline) throw new Error(`search never found ${word}`);
      await box.press('Enter');
    }
    await shot(ada, '04-search');

    // A second person signs up and gives Ada their user ID from their profile page.
    const bob = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signUp(bob, `bob.${word}@example.com`);
    await bob.goto(`${gateway.url}/#/profile`);
    const bobId = (await bob.locator('code').textContent())?.trim() ?? '';
    expect(bobId).toMatch(/^[0-9a-f-]{36}$/);
    await shot(bob, '05-profile-phone');

    await ada.goto(`${gateway.url}/#/documents`);
    await ada.getByRole('button', { name: 'Share notes.txt' }).click();
    await ada.getByLabel('User ID to share with (read access)').fill(bobId);
    await ada.getByRole('button', { name: 'Share', exact: true }).click();
    await ada.getByText(`Shared with ${bobId}`).waitFor();

    await bob.goto(`${gateway.url}/#/documents`);
    await bob.getByRole('button', { name: 'Download notes.txt' }).waitFor();
    await shot(bob, '06-documents-shared-phone');

    for (const name of ['exports', 'notifications', 'profile']) {
      await ada.goto(`${gateway.url}/#/${name}`);
      await ada.getByRole('heading', { level: 1 }).waitFor();
      await ada.waitForLoadState('networkidle');
      await shot(ada, `07-${name}`);
    }
  });
});
