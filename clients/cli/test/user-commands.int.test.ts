// The user half of the CLI, run as a subprocess against Auth, User, Document, Search, Export,
// Notification and Audit started in-process behind a stand-in gateway: login, upload, search,
// download, share (by id and by email), delete, restore, export, notifications, audit, logout.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unpack } from '../../../services/export/test/archive-reader.js';
import { type CliOptions, quire, quireJson } from './fixtures/run-cli.js';
import { type Services, startServices } from './fixtures/services.js';

let services: Services;
let home: string;
let work: string;
let otherHome = '';
const email = `cli.${Date.now().toString(36)}@example.com`;
const password = 'correct horse battery staple';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const as = (): CliOptions => ({ env: { XDG_CONFIG_HOME: home, QUIRE_SERVER: services.url } });
const credentialsFile = () => join(home, 'quire', 'credentials.json');

interface Doc {
  id: string;
  title: string;
  size: number;
  sha256: string;
  tags: string[];
  shares: Array<{ userId: string; permission: string }>;
}

beforeAll(async () => {
  services = await startServices();
  home = mkdtempSync(join(tmpdir(), 'quire-cli-home-'));
  work = mkdtempSync(join(tmpdir(), 'quire-cli-work-'));
});
afterAll(async () => {
  await services?.close();
  for (const dir of [home, work, otherHome]) if (dir) rmSync(dir, { recursive: true, force: true });
});

async function signUpAnother(): Promise<string> {
  const res = await fetch(`${services.url}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `other.${Date.now().toString(36)}@example.com`, password }),
  });
  return ((await res.json()) as { accountId: string }).accountId;
}

/** Signs up another user who saves a profile, so others can find them by email. */
async function signUpWithProfile(displayName: string): Promise<{ accountId: string; email: string }> {
  const address = `found.${Date.now().toString(36)}@example.com`;
  const res = await fetch(`${services.url}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: address, password }),
  });
  const { accountId, accessToken } = (await res.json()) as { accountId: string; accessToken: string };
  const profile = await fetch(`${services.url}/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ displayName, email: address }),
  });
  expect(profile.status).toBe(201);
  return { accountId, email: address };
}

describe('a platform user with the quire CLI', () => {
  it('signs up and logs in, and the session is stored readable by the user alone (file 0600, folder 0700)', async () => {
    const result = await quire(['login', '--sign-up', '--email', email, '--password-stdin'], {
      ...as(),
      input: `${password}\n`,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`as ${email}`);
    expect(statSync(credentialsFile()).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'quire')).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(readFileSync(credentialsFile(), 'utf8'));
    expect(saved).toMatchObject({
      server: services.url,
      email,
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });

    const again = await quire(['login', '-e', email, '--password-stdin'], { ...as(), input: password });
    expect(again.code, again.stderr).toBe(0);
  });

  it('is told the email or password is wrong, with exit code 1, when the password is wrong', async () => {
    const other = mkdtempSync(join(tmpdir(), 'quire-cli-other-'));
    const result = await quire(['login', '-e', email, '--password-stdin'], {
      env: { XDG_CONFIG_HOME: other, QUIRE_SERVER: services.url },
      input: 'not the password',
    });
    rmSync(other, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The email or password is wrong');
  });

  let textId = '';
  it('uploads a text document, finds it with quire search, and reads it with docs get and docs list', async () => {
    const file = join(work, 'airships.md');
    writeFileSync(file, '# Airships\nThe zeppelin division grew its revenue this quarter.\n');
    const doc = await quireJson<Doc>(
      ['docs', 'upload', file, '--title', 'Airship report', '--tag', 'finance,airships'],
      as(),
    );
    expect(doc).toMatchObject({ title: 'Airship report', tags: ['finance', 'airships'] });
    textId = doc.id;

    let found: { items: Array<{ id: string; title: string; highlights: Record<string, string[]> }> } = {
      items: [],
    };
    for (let i = 0; i < 60 && !found.items.some((d) => d.id === textId); i++) {
      found = await quireJson(['search', 'zeppelin'], as());
      if (!found.items.length) await new Promise((r) => setTimeout(r, 250));
    }
    expect(found.items.map((d) => d.id)).toContain(textId);
    expect(Object.keys(found.items[0] ?? {})).toEqual(
      expect.arrayContaining(['id', 'title', 'updatedAt', 'highlights']),
    );

    const table = await quire(['search', 'zeppelin'], as());
    expect(table.stdout).toMatch(/^ID\s+TITLE\s+UPDATED\s+MATCH/);
    expect(table.stdout).toContain('Airship report');

    const got = await quireJson<Doc>(['docs', 'get', textId], as());
    expect(Object.keys(got).sort()).toEqual(
      [
        'contentType',
        'createdAt',
        'id',
        'ownerId',
        'sha256',
        'shares',
        'size',
        'tags',
        'title',
        'updatedAt',
        'version',
      ].sort(),
    );
    const page = await quireJson<{ items: Doc[]; nextCursor?: string }>(
      ['docs', 'list', '--tag', 'airships'],
      as(),
    );
    expect(page.items.map((d) => d.id)).toEqual([textId]);

    const printed = await quire(['docs', 'download', textId, '-'], as());
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toBe(readFileSync(file, 'utf8'));
  });

  it('downloads a 3 MB binary document byte-identical to what it uploaded', async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    const file = join(work, 'noise.png');
    writeFileSync(file, bytes);
    const doc = await quireJson<Doc>(['docs', 'upload', file], as());
    expect(doc).toMatchObject({ title: 'noise.png', size: bytes.length, sha256: sha256(bytes) });

    const dest = join(work, 'downloaded.png');
    const result = await quire(['docs', 'download', doc.id, dest], as());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('verified');
    expect(sha256(readFileSync(dest))).toBe(sha256(bytes));

    const again = await quire(['docs', 'download', doc.id, dest], as());
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
  });

  it('shares a document with another user for writing, and --revoke takes it back', async () => {
    const other = await signUpAnother();
    const shared = await quireJson<Doc>(['docs', 'share', textId, other, '--permission', 'write'], as());
    expect(shared.shares).toEqual([{ userId: other, permission: 'write' }]);
    const revoked = await quireJson<Doc>(['docs', 'share', textId, other, '--revoke'], as());
    expect(revoked.shares).toEqual([]);
  });

  it('shares with a user named by email, found through the User service whatever the letter case, and says who it was', async () => {
    const grace = await signUpWithProfile('Grace Hopper');
    const shared = await quireJson<Doc>(['docs', 'share', textId, ` ${grace.email.toUpperCase()} `], as());
    expect(shared.shares).toEqual([{ userId: grace.accountId, permission: 'read' }]);
    const revoked = await quire(['docs', 'share', textId, grace.email, '--revoke'], as());
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`Stopped sharing ${textId} with Grace Hopper <${grace.email}>`);

    const unknown = await quire(['docs', 'share', textId, `nobody.${Date.now()}@example.com`], as());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No user has the email nobody.');
    expect(unknown.stderr).toContain('account id');
  });

  it('renews an expired access token with the refresh token, without asking to log in again', async () => {
    const saved = JSON.parse(readFileSync(credentialsFile(), 'utf8'));
    writeFileSync(
      credentialsFile(),
      JSON.stringify({ ...saved, accessToken: 'expired', expiresAt: '2000-01-01T00:00:00Z' }),
      { mode: 0o600 },
    );
    const result = await quire(['docs', 'get', textId], as());
    expect(result.code, result.stderr).toBe(0);
    const renewed = JSON.parse(readFileSync(credentialsFile(), 'utf8'));
    expect(renewed.refreshToken).not.toBe(saved.refreshToken);
    expect(statSync(credentialsFile()).mode & 0o777).toBe(0o600);
  });

  it('deletes a document with docs rm, after which docs get exits 1 with Not found', async () => {
    const rm = await quire(['docs', 'rm', textId], as());
    expect(rm.code, rm.stderr).toBe(0);
    const gone = await quire(['docs', 'get', textId], as());
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('Not found');
  });

  /** Searches until `present` says whether the document is among the results, or 15 s pass. */
  async function searchUntil(id: string, present: boolean): Promise<string[]> {
    let ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      ids = (await quireJson<{ items: Array<{ id: string }> }>(['search', 'zeppelin'], as())).items.map(
        (d) => d.id,
      );
      if (ids.includes(id) === present) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    return ids;
  }

  it('restores the deleted document with docs restore: a new version, readable again and found by search again', async () => {
    expect(await searchUntil(textId, false)).not.toContain(textId);
    const restored = await quireJson<Doc & { version: number }>(['docs', 'restore', textId], as());
    expect(restored).toMatchObject({ id: textId, title: 'Airship report' });
    expect((await quireJson<Doc>(['docs', 'get', textId], as())).id).toBe(textId);
    expect(await searchUntil(textId, true)).toContain(textId);

    const again = await quire(['docs', 'restore', textId], as());
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('HTTP 409');
    expect(again.stderr).toContain('nothing to restore');
    await quire(['docs', 'rm', textId], as());
    const table = await quire(['docs', 'restore', textId], as());
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(
      new RegExp(`^Restored document ${textId} "Airship report" \\(version \\d+\\)`),
    );
  });

  const exportIds: string[] = [];
  it('requests an export and shows its status; a wait that runs out exits 1 and says how to check later', async () => {
    const requested = await quireJson<{ id: string; status: string; format: string }>(
      ['export', '--no-wait'],
      as(),
    );
    expect(requested).toMatchObject({ status: 'requested', format: 'zip' });
    exportIds.push(requested.id);
    expect(Object.keys(requested)).toEqual(
      expect.arrayContaining(['id', 'ownerId', 'requestedBy', 'createdAt']),
    );

    // The Export service runs, but no archive is built within a millisecond.
    const waited = await quire(['export', '--timeout', '1ms', '--to', join(work, 'never.zip')], as());
    expect(waited.code).toBe(1);
    expect(waited.stderr).toMatch(/Export \S+ is still requested after 0s/);
    expect(waited.stderr).toContain('quire export --id ');
  });

  it('exports documents and downloads the archive, whose files are byte-identical to the uploads', async () => {
    const contents = {
      text: Buffer.from('Ledger of the airship fleet.\n'.repeat(200)),
      binary: randomBytes(1024 * 1024 + 7),
    };
    const ids: string[] = [];
    for (const [name, bytes] of Object.entries(contents)) {
      const file = join(work, `export-${name}.${name === 'text' ? 'txt' : 'png'}`);
      writeFileSync(file, bytes);
      ids.push((await quireJson<Doc>(['docs', 'upload', file], as())).id);
    }
    const archive = join(work, 'export.zip');
    const done = await quireJson<{
      id: string;
      status: string;
      downloadUrl?: string;
      documentCount?: number;
    }>(['export', '--doc', ids.join(','), '--to', archive, '--timeout', '2m'], as());
    expect(done).toMatchObject({ status: 'completed', documentCount: 2, downloadUrl: expect.any(String) });
    exportIds.push(done.id);

    const entries = await unpack(archive);
    const files = [...entries].filter(([name]) => name !== 'manifest.json');
    expect(files.map(([, e]) => e.sha256).sort()).toEqual(
      [sha256(contents.text), sha256(contents.binary)].sort(),
    );
    const manifest = JSON.parse(entries.get('manifest.json')?.text ?? '{}');
    expect(manifest.documents.map((d: { id: string }) => d.id).sort()).toEqual([...ids].sort());
  });

  it('lists the exports with export list, newest first, a page at a time, in each output format', async () => {
    type Page = { items: Array<{ id: string; status: string; format: string }>; nextCursor?: string };
    const [requestedId, completedId] = exportIds as [string, string];
    const all = await quireJson<Page>(['export', 'list'], as());
    const ids = all.items.map((e) => e.id);
    // The timed-out wait requested one more between these two.
    expect(ids.indexOf(completedId)).toBeLessThan(ids.indexOf(requestedId));
    expect(all.items.find((e) => e.id === completedId)).toMatchObject({ status: 'completed', format: 'zip' });

    const first = await quireJson<Page>(['export', 'list', '--limit', '1'], as());
    expect(first.items.map((e) => e.id)).toEqual([ids[0]]);
    const second = await quireJson<Page>(
      ['export', 'ls', '--limit', '1', '--cursor', first.nextCursor ?? ''],
      as(),
    );
    expect(second.items.map((e) => e.id)).toEqual([ids[1]]);

    const table = await quire(['export', 'list', '--limit', '1'], as());
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+STATUS\s+FORMAT\s+DOCUMENTS\s+SIZE\s+REQUESTED\s+LINK EXPIRES/);
    expect(table.stdout).toContain(`More: quire export list --cursor ${first.nextCursor}`);
    const yaml = await quire(['export', 'list', '-o', 'yaml'], as());
    expect(yaml.stdout).toContain(`- id: ${completedId}`);

    const refused = await quire(['export', 'list', '--user', 'someone-else'], as());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('HTTP 403');
  });

  let otherId = '';
  const asOther = (): CliOptions => ({ env: { XDG_CONFIG_HOME: otherHome, QUIRE_SERVER: services.url } });

  it('shows the user a document was shared with a notification of it, and --mark-read marks it read', async () => {
    otherHome = mkdtempSync(join(tmpdir(), 'quire-cli-other-'));
    const otherEmail = `sharee.${Date.now().toString(36)}@example.com`;
    const signedUp = await quire(['login', '--sign-up', '-e', otherEmail, '--password-stdin'], {
      ...asOther(),
      input: password,
    });
    expect(signedUp.code, signedUp.stderr).toBe(0);
    otherId = JSON.parse(readFileSync(join(otherHome, 'quire', 'credentials.json'), 'utf8')).accountId;

    const file = join(work, 'itinerary.txt');
    writeFileSync(file, 'Friedrichshafen to Lakehurst\n');
    const doc = await quireJson<Doc>(['docs', 'upload', file, '--title', 'Itinerary'], as());
    await quireJson<Doc>(['docs', 'share', doc.id, otherId], as());

    type Page = {
      items: Array<{
        id: string;
        kind: string;
        title: string;
        data: Record<string, unknown>;
        readAt?: string;
      }>;
    };
    let page: Page = { items: [] };
    for (let i = 0; i < 120 && page.items.length === 0; i++) {
      page = await quireJson<Page>(['notifications', '--unread'], asOther());
      if (!page.items.length) await new Promise((r) => setTimeout(r, 250));
    }
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      kind: 'document.shared',
      title: '"Itinerary" was shared with you',
      data: { documentId: doc.id, permission: 'read' },
    });
    expect(page.items[0]?.readAt).toBeUndefined();

    const table = await quire(['notifications'], asOther());
    expect(table.stdout).toMatch(/WHEN\s+KIND\s+TITLE/);
    expect(table.stdout).toContain('"Itinerary" was shared with you');

    const marked = await quireJson<Page>(['notifications', '--mark-read'], asOther());
    expect(marked.items[0]?.readAt).toEqual(expect.any(String));
    expect((await quireJson<Page>(['notifications', '--unread'], asOther())).items).toEqual([]);
  });

  it('refuses quire audit to a user who is not an admin, with exit code 1 and what to do', async () => {
    const result = await quire(['audit'], as());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('HTTP 403');
    expect(result.stderr).toContain('Ask an admin');
  });

  it('as an admin, lists the audit log filtered by action, and --verify reports a valid chain', async () => {
    const saved = JSON.parse(readFileSync(credentialsFile(), 'utf8'));
    await services.auth.pool.query(
      `UPDATE accounts SET roles = array_append(roles, 'admin') WHERE id = $1 AND NOT ('admin' = ANY(roles))`,
      [saved.accountId],
    );
    const login = await quire(['login', '-e', email, '--password-stdin'], { ...as(), input: password });
    expect(login.code, login.stderr).toBe(0);

    type Page = { items: Array<{ seq: number; action: string; actor: string | null; subject: string }> };
    let page: Page = { items: [] };
    for (let i = 0; i < 120 && !page.items.some((e) => e.action === 'document.shared'); i++) {
      page = await quireJson<Page>(['audit', '--action', 'document.shared', '--since', '1h'], as());
      if (!page.items.length) await new Promise((r) => setTimeout(r, 250));
    }
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((e) => e.action === 'document.shared')).toBe(true);
    expect(page.items[0]?.actor).toBe(saved.accountId);

    const all = await quireJson<Page>(['audit', '--limit', '500'], as());
    expect(all.items.length).toBeGreaterThan(page.items.length);
    const table = await quire(['audit', '--action', 'document.shared'], as());
    expect(table.stdout).toMatch(/^SEQ\s+WHEN\s+ACTION\s+ACTOR\s+SUBJECT/);

    const verified = await quireJson<{ valid: boolean; checked: number; head?: { seq: number } }>(
      ['audit', '--verify'],
      as(),
    );
    expect(verified).toMatchObject({ valid: true });
    expect(verified.checked).toBeGreaterThanOrEqual(all.items.length);
    const human = await quire(['audit', '--verify'], as());
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('The audit chain is valid');
  });

  it('refuses plain http to a host other than loopback with exit code 2', async () => {
    const result = await quire(['docs', 'list', '--server', 'http://quire.example.com'], as());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Use https://quire.example.com');
  });

  it('logs out: the session ends on the server, the file is removed, and reads then say to log in', async () => {
    const saved = JSON.parse(readFileSync(credentialsFile(), 'utf8'));
    const result = await quire(['logout'], as());
    expect(result.code, result.stderr).toBe(0);
    expect(() => statSync(credentialsFile())).toThrow();
    const refresh = await fetch(`${services.url}/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: saved.refreshToken }),
    });
    expect(refresh.status).toBe(401);
    const list = await quire(['docs', 'list'], as());
    expect(list.code).toBe(1);
    expect(list.stderr).toContain('quire login');
  });
});
