// The trash with the quire CLI, run as a subprocess against the services behind a stand-in gateway:
// `quire docs trash` lists what `quire docs rm` deleted and can still be restored, in every output
// format, a page at a time; a restored document leaves it, and so does one whose content was cleaned up.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Doc, useCliUser } from './fixtures/cli-user.js';
import { quire, quireJson } from './fixtures/run-cli.js';

const user = useCliUser();
const as = () => user.as();

interface Trash {
  items: Array<Doc & { deletedAt: string; restorableUntil: string }>;
  nextCursor?: string;
}

/** Uploads a small text file titled `title` and deletes it with quire docs rm; answers its id. */
async function uploadAndDelete(title: string): Promise<string> {
  const file = join(user.work, `${title}.txt`);
  writeFileSync(file, `${title}\n`);
  const doc = await quireJson<Doc>(['docs', 'upload', file, '--title', title], as());
  const rm = await quire(['docs', 'rm', doc.id], as());
  expect(rm.code, rm.stderr).toBe(0);
  return doc.id;
}

describe('a platform user finding deleted documents with quire docs trash', () => {
  const ids: string[] = [];

  it('lists the deleted documents newest deletion first, with when each was deleted and until when it can be restored, as a table, JSON and YAML', async () => {
    ids.push(await uploadAndDelete('Old minutes'), await uploadAndDelete('Draft budget'));
    const file = join(user.work, 'kept.txt');
    writeFileSync(file, 'kept\n');
    const kept = await quireJson<Doc>(['docs', 'upload', file], as());

    const json = await quireJson<Trash>(['docs', 'trash'], as());
    expect(json.items.map((d) => d.id)).toEqual([ids[1], ids[0]]);
    expect(json.items.map((d) => d.id)).not.toContain(kept.id);
    const [newest] = json.items;
    expect(newest).toMatchObject({ title: 'Draft budget', deletedAt: expect.any(String) });
    // The local Document keeps deleted content for its default retention, a day.
    expect(Date.parse(newest?.restorableUntil ?? '') - Date.parse(newest?.deletedAt ?? '')).toBe(86_400_000);

    const yaml = await quire(['docs', 'trash', '-o', 'yaml'], as());
    expect(yaml.code, yaml.stderr).toBe(0);
    expect(parse(yaml.stdout)).toEqual(json);

    const table = await quire(['docs', 'trash'], as());
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^ID\s+TITLE\s+SIZE\s+DELETED\s+RESTORABLE$/);
    expect(lines[1]).toContain(ids[1]);
    expect(lines[1]).toContain('Draft budget');
    expect(lines[1]).toMatch(/until \S+ \(in 23h59m|until \S+ \(in 1d/);
    expect(table.stdout).toContain('Restore one: quire docs restore <id>');
  });

  it('pages with --limit, printing the command for the next page', async () => {
    const first = await quire(['docs', 'trash', '--limit', '1'], as());
    expect(first.code, first.stderr).toBe(0);
    const more = first.stdout.match(/More: quire docs trash --cursor (\S+)/);
    expect(more?.[1]).toBeDefined();
    const second = await quireJson<Trash>(
      ['docs', 'trash', '--limit', '1', '--cursor', more?.[1] ?? ''],
      as(),
    );
    expect(second.items.map((d) => d.id)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeUndefined();

    const tooMany = await quire(['docs', 'trash', '--limit', '101'], as());
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('--limit is at most 100');
  });

  it('when a document is restored it leaves the trash and is listed again', async () => {
    await quireJson<Doc>(['docs', 'restore', ids[1] ?? ''], as());
    expect((await quireJson<Trash>(['docs', 'trash'], as())).items.map((d) => d.id)).toEqual([ids[0]]);
    const listed = await quireJson<{ items: Doc[] }>(['docs', 'list'], as());
    expect(listed.items.map((d) => d.id)).toContain(ids[1]);
  });

  it('when the content of a deleted document has been cleaned up, it is no longer in the trash', async () => {
    const id = await uploadAndDelete('Scratch');
    expect((await quireJson<Trash>(['docs', 'trash'], as())).items.map((d) => d.id)).toContain(id);
    // As when the retention has run out and the cleanup came by.
    const { doc } = user.services;
    await doc.pool.query(
      `UPDATE object_cleanup SET not_before = now() - interval '1 second'
        WHERE object_key = (SELECT object_key FROM documents WHERE id = $1)`,
      [id],
    );
    await doc.cleanup().runOnce();
    expect((await quireJson<Trash>(['docs', 'trash'], as())).items.map((d) => d.id)).not.toContain(id);
    const late = await quire(['docs', 'restore', id], as());
    expect(late.code).toBe(1);
    expect(late.stderr).toContain('too late to restore it');
  });

  it('when a user who is not an admin names another owner, it exits 1 saying only admins may, and what to do', async () => {
    const result = await quire(['docs', 'trash', '--owner', '5f1e0000-0000-4000-8000-000000000000'], as());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("(HTTP 403): Only admins may list another user's deleted documents");
    expect(result.stderr).toContain('Fix: Ask an admin for access');
  });
});
