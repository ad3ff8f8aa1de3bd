/**
 * The web app end to end: its static build served with the APIs on one origin, real services over
 * the local stack (Auth, Document, Search, Export, Notification, Audit and the event pipeline between
 * them, as the CLI's tests start them), and Debian's Chromium clicking through it as people do.
 * The stories run in order and share two people: Ada, who uploads, shares, exports and later becomes
 * an admin, and Bob, on a phone-sized window, with whom she shares. Screenshots of each page go to
 * clients/web/test-results/.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpack } from '../../../services/export/test/archive-reader.js';
import { type Services, startServices } from '../../cli/test/fixtures/services.js';
import { launchBrowser } from './fixtures/browser.js';
import { grantAdmin } from './fixtures/grant-admin.js';
import {
  artifacts,
  logIn,
  logOut,
  navLink,
  open,
  ownUserId,
  shot,
  signUp,
  unreadCount,
  untilShown,
  untilUnread,
} from './fixtures/person.js';
import { startWebGateway } from './fixtures/web-gateway.js';

const webDir = resolve(import.meta.dirname, '..');
const dist = resolve(webDir, 'dist');
const word = `zephyr${Date.now().toString(36)}`;
const adaEmail = `ada.${word}@example.com`;
const bobEmail = `bob.${word}@example.com`;
const content = Buffer.from(`Quarterly notes mentioning ${word}.\n${'x'.repeat(2000)}\n`);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let services: Services;
let gateway: Awaited<ReturnType<typeof startWebGateway>>;
let browser: Browser;
let ada: Page;
let bob: Page;
let bobId = '';

beforeAll(async () => {
  // Only this run's screenshots, so none is mistaken for today's page.
  rmSync(artifacts, { recursive: true, force: true });
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
  ada = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  bob = await browser.newPage({ viewport: { width: 390, height: 844 } });
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

  it('lets a person sign up, upload a document and download it byte for byte', async () => {
    await ada.goto(gateway.url);
    await shot(ada, '01-log-in');
    await signUp(ada, gateway.url, adaEmail);
    await ada.getByText('No documents yet').waitFor();
    await shot(ada, '02-documents-empty');
    // A reload keeps her signed in: the page resumes the session from Auth's httpOnly cookie.
    await ada.reload();
    await ada.getByText('No documents yet').waitFor();
    expect(await ada.getByRole('heading', { name: 'Log in' }).count()).toBe(0);

    // Upload through the file chooser the drop zone labels.
    await ada.getByLabel('Drop a file here, or choose one').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: content,
    });
    await ada.getByLabel('Tags', { exact: true }).first().fill('e2e, notes');
    await ada.getByRole('button', { name: 'Upload' }).click();
    await ada.getByRole('button', { name: 'Download notes.txt' }).waitFor();
    await shot(ada, '03-documents');

    const [download] = await Promise.all([
      ada.waitForEvent('download'),
      ada.getByRole('button', { name: 'Download notes.txt' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('notes.txt');
    expect(readFileSync(await download.path()).equals(content)).toBe(true);
  });

  it('finds the document by search once it is indexed, Enter searching again meanwhile', async () => {
    await open(ada, 'Search');
    const box = ada.getByLabel('Search documents');
    await box.fill(word);
    // The debounced search runs only when the words change; until the pipeline has indexed the
    // upload, Enter searches again, as people do.
    await untilShown(ada.locator('mark', { hasText: word }), () => box.press('Enter'), `a hit for ${word}`);
    await shot(ada, '04-search');
  });

  it('lets the owner share it by email with a second person, who then sees it among their documents', async () => {
    await signUp(bob, gateway.url, bobEmail);
    bobId = await ownUserId(bob);
    expect(bobId).toMatch(/^[0-9a-f-]{36}$/);

    // Until Bob saves a profile, nobody can find him by his email.
    await open(ada, 'Documents');
    await ada.getByRole('button', { name: 'Share notes.txt' }).click();
    const shareWith = ada.getByLabel('Email or user ID to share with (read access)');
    await shareWith.fill(bobEmail);
    await ada.getByRole('button', { name: 'Share', exact: true }).click();
    await ada.getByText(`No user has the email ${bobEmail}.`, { exact: false }).waitFor();

    await bob.getByLabel('Display name').fill('Bob');
    await bob.getByRole('button', { name: 'Create profile' }).click();
    await bob.getByText('Saved', { exact: true }).waitFor();
    await shot(bob, '05-profile-phone');

    await ada.getByRole('button', { name: 'Share', exact: true }).click();
    await ada.getByText(`Shared with Bob (${bobEmail})`).waitFor();

    await open(bob, 'Documents');
    await bob.getByRole('button', { name: 'Download notes.txt' }).waitFor();
    // Bob may read it, not change or share it.
    expect(await bob.getByRole('button', { name: 'Share notes.txt' }).count()).toBe(0);
    await shot(bob, '06-documents-shared-phone');
  });

  it('tells the second person with a notification: the unread count shows, and opening the list marks it read', async () => {
    await untilUnread(bob, 1);
    await bob.getByRole('banner').screenshot({ path: resolve(artifacts, '07-unread-count-phone.png') });

    await open(bob, 'Notifications');
    const item = bob.getByRole('list', { name: 'Notifications' }).getByRole('listitem');
    const shared = item.filter({ hasText: '"notes.txt" was shared with you' });
    // Shown as new this once, while the bar stops counting it.
    await shared.getByText('New', { exact: true }).waitFor();
    await shot(bob, '08-notifications-phone');
    await unreadCount(bob).waitFor({ state: 'detached', timeout: 5_000 });

    await open(bob, 'Documents');
    await open(bob, 'Notifications');
    await shared.waitFor();
    expect(await shared.getByText('New', { exact: true }).count()).toBe(0);
    expect(await unreadCount(bob).count()).toBe(0);
  });

  it("exports the owner's documents: the progress shows until it is ready, and the ZIP holds the upload byte for byte", async () => {
    await open(ada, 'Exports');
    await ada.getByText('No exports yet').waitFor();
    await ada.getByRole('button', { name: 'Export all my documents' }).click();
    const exports = ada.getByRole('list', { name: 'Exports' });
    await exports.getByText('Being prepared…').waitFor();
    await shot(ada, '09-exports-preparing');

    // The page checks on the export by itself; Ada only watches.
    await exports.getByText('Ready', { exact: true }).waitFor({ timeout: 60_000 });
    await shot(ada, '10-exports-ready');
    const [download] = await Promise.all([
      ada.waitForEvent('download'),
      exports.getByRole('link', { name: 'Download export' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^quire-export-[0-9a-f-]{36}\.zip$/);

    const entries = await unpack(await download.path());
    const files = [...entries].filter(([name]) => name !== 'manifest.json');
    expect(files).toHaveLength(1);
    const [name, entry] = files[0] ?? [];
    expect(name).toMatch(/\/notes\.txt$/);
    expect(entry).toMatchObject({ size: content.length, sha256: sha256(content) });
    const manifest = JSON.parse(entries.get('manifest.json')?.text ?? '{}');
    expect(manifest.documents).toEqual([expect.objectContaining({ title: 'notes.txt' })]);

    // A notification says so too.
    await untilUnread(ada, 1);
    await open(ada, 'Notifications');
    await ada.getByText('Your export is ready').waitFor();
  });

  it("shows the next person in the same window nothing of the previous one's exports", async () => {
    await logOut(ada);
    // Logging out ended the cookie's session too: a reload does not sign her back in.
    await ada.reload();
    await ada.getByRole('heading', { name: 'Log in' }).waitFor();
    // Bob, on Ada's computer after her.
    await logIn(ada, bobEmail);
    await open(ada, 'Exports');
    await ada.getByText('No exports yet').waitFor();
    expect(await ada.getByRole('link', { name: 'Download export' }).count()).toBe(0);
    await logOut(ada);
    await logIn(ada, adaEmail);
  });

  it('keeps a deleted document in the Trash, from where Restore brings it back to the documents', async () => {
    await open(ada, 'Documents');
    await ada.getByLabel('Drop a file here, or choose one').setInputFiles({
      name: 'draft.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(`A draft about ${word}.\n`),
    });
    await ada.getByRole('button', { name: 'Upload', exact: true }).click();
    await ada.getByRole('button', { name: 'Delete draft.txt' }).click();
    await ada.getByText('Deleted “draft.txt”.').waitFor();

    await open(ada, 'Trash');
    const restore = ada.getByRole('button', { name: 'Restore draft.txt' });
    await restore.waitFor();
    expect(await ada.getByRole('button', { name: 'Restore notes.txt' }).count()).toBe(0);
    await shot(ada, '11-trash');
    await restore.click();
    await ada.getByText('“draft.txt” is back in your documents.').waitFor();
    expect(await restore.count()).toBe(0);

    await open(ada, 'Documents');
    await ada.getByRole('button', { name: 'Download draft.txt' }).waitFor();
  });

  it('keeps the audit log from people who are not admins', async () => {
    expect(await navLink(bob, 'Audit log').count()).toBe(0);
    await bob.goto(`${gateway.url}/#/audit`);
    await bob.getByRole('heading', { level: 1, name: 'Documents' }).waitFor();
  });

  it('shows an admin what happened in the audit log, and that the chain verifies', async () => {
    const adaId = await ownUserId(ada);
    await grantAdmin(services.auth.pool, adaId);
    // The role is in the token: it shows once Ada logs in again.
    expect(await navLink(ada, 'Audit log').count()).toBe(0);
    await logOut(ada);
    await logIn(ada, adaEmail);
    await open(ada, 'Audit log');

    await ada.getByLabel('Actor').fill(adaId);
    const filter = ada.getByRole('button', { name: 'Filter' });
    await filter.click();
    const rows = ada.getByRole('table').getByRole('row');
    // Entries arrive through Kafka; filtering again shows the latest.
    await untilShown(rows.filter({ hasText: 'document.shared' }), () => filter.click(), 'the share audited');
    for (const action of ['document.created', 'document.shared']) {
      const row = rows.filter({ hasText: action });
      expect(await row.count(), action).toBeGreaterThan(0);
      expect(await row.first().textContent()).toContain(adaId);
    }
    await shot(ada, '12-audit-log');

    await ada.getByRole('button', { name: 'Verify the chain' }).click();
    await ada
      .getByText(
        /^The chain is intact: \d+ entries checked (from the first|after checkpoint #\d+), \d+ checkpoints match\.$/,
      )
      .waitFor();
    await shot(ada, '13-audit-verified');
  });
});
