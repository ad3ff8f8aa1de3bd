// The export half of the CLI, run as a subprocess against the services started in-process behind a
// stand-in gateway: requesting an export, waiting for it and downloading the archive that Export
// builds from Document's request, and listing the exports a page at a time.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unpack } from '../../../services/export/test/archive-reader.js';
import { type Doc, sha256, useCliUser } from './fixtures/cli-user.js';
import { quire, quireJson } from './fixtures/run-cli.js';

const user = useCliUser();
const { work } = user;
const as = () => user.as();

describe('a platform user exporting documents with the quire CLI', () => {
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
});
