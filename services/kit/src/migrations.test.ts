import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMigrations } from './migrations.js';

describe('loading migration files', () => {
  it('reads NNNN_name.sql files in version order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mig-'));
    await writeFile(join(dir, '0002_more.sql'), 'SELECT 2;');
    await writeFile(join(dir, '0001_first.sql'), 'SELECT 1;');
    expect(await loadMigrations(dir)).toEqual([
      { version: 1, name: 'first', sql: 'SELECT 1;' },
      { version: 2, name: 'more', sql: 'SELECT 2;' },
    ]);
  });

  it('refuses a file that does not follow the naming rule', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mig-'));
    await writeFile(join(dir, 'first.sql'), 'SELECT 1;');
    await expect(loadMigrations(dir)).rejects.toThrow(/NNNN_name\.sql/);
  });
});
