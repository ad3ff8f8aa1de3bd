// The documents half of the CLI, run as a subprocess against the services started in-process behind
// a stand-in gateway: upload, search, get, list, download, share (by id and by email), delete and
// restore, with Search fed by Document's events through Kafka.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Doc, sha256, useCliUser } from './fixtures/cli-user.js';
import { quire, quireJson } from './fixtures/run-cli.js';

const user = useCliUser();
const { password, work } = user;
const as = () => user.as();

/** Signs up another account straight through Auth, as the web app would. */
async function signUp(address: string): Promise<{ accountId: string; accessToken: string }> {
  const res = await fetch(`${user.services.url}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: address, password }),
  });
  return (await res.json()) as { accountId: string; accessToken: string };
}

async function signUpAnother(): Promise<string> {
  return (await signUp(`other.${Date.now().toString(36)}@example.com`)).accountId;
}

/** Signs up another user who saves a profile, so others can find them by email. */
async function signUpWithProfile(displayName: string): Promise<{ accountId: string; email: string }> {
  const address = `found.${Date.now().toString(36)}@example.com`;
  const { accountId, accessToken } = await signUp(address);
  const profile = await fetch(`${user.services.url}/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ displayName, email: address }),
  });
  expect(profile.status).toBe(201);
  return { accountId, email: address };
}

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

describe('a platform user managing documents with the quire CLI', () => {
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

  it('deletes a document with docs rm, after which docs get exits 1 with Not found', async () => {
    const rm = await quire(['docs', 'rm', textId], as());
    expect(rm.code, rm.stderr).toBe(0);
    const gone = await quire(['docs', 'get', textId], as());
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('Not found');
  });

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
});
