import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksumOf } from './kit-migrations.js';
import {
  loadMigrationBundle,
  MigrationBundleError,
  packageMigrations,
  sourceServicesDir,
} from './migration-bundle.js';

async function servicesWith(files: Record<string, Record<string, string>>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'quire-services-'));
  for (const [service, migrations] of Object.entries(files)) {
    await mkdir(join(root, service, 'migrations'), { recursive: true });
    for (const [name, sql] of Object.entries(migrations))
      await writeFile(join(root, service, 'migrations', name), sql);
  }
  return root;
}

describe('the packaged migrations', () => {
  it("copy each service's migrations with a manifest of checksums, and load back in version order", async () => {
    const services = await servicesWith({
      auth: { '0002_more.sql': 'SELECT 2;', '0001_first.sql': 'SELECT 1;' },
      user: { '0001_profiles.sql': 'SELECT 3;' },
      notanservice: { '0001_x.sql': 'SELECT 4;' },
    });
    const out = join(await mkdtemp(join(tmpdir(), 'quire-bundle-')), 'migrations');
    const manifest = await packageMigrations(services, out);
    expect(manifest.services).toEqual({
      auth: { '0001_first.sql': checksumOf('SELECT 1;'), '0002_more.sql': checksumOf('SELECT 2;') },
      user: { '0001_profiles.sql': checksumOf('SELECT 3;') },
    });
    const bundle = await loadMigrationBundle(out);
    expect(bundle.get('auth')?.map((f) => f.version)).toEqual([1, 2]);
    expect(bundle.get('user')?.[0]).toEqual({ version: 1, name: 'profiles', sql: 'SELECT 3;' });
    expect(bundle.has('document')).toBe(false);
  });

  it('refuse a packaged file that was changed after packaging', async () => {
    const services = await servicesWith({ auth: { '0001_first.sql': 'SELECT 1;' } });
    const out = join(await mkdtemp(join(tmpdir(), 'quire-bundle-')), 'migrations');
    await packageMigrations(services, out);
    await writeFile(join(out, 'auth', '0001_first.sql'), 'DROP TABLE accounts;');
    await expect(loadMigrationBundle(out)).rejects.toThrow(MigrationBundleError);
    await expect(loadMigrationBundle(out)).rejects.toThrow(/auth\/0001_first.sql does not match/);
  });

  it('refuse a packaged file the manifest does not list', async () => {
    const services = await servicesWith({ auth: { '0001_first.sql': 'SELECT 1;' } });
    const out = join(await mkdtemp(join(tmpdir(), 'quire-bundle-')), 'migrations');
    await packageMigrations(services, out);
    await writeFile(join(out, 'auth', '0002_sneaky.sql'), 'SELECT 1;');
    await expect(loadMigrationBundle(out)).rejects.toThrow(/0002_sneaky.sql are not in the manifest/);
  });

  it("are read from the services' own folders in a source checkout", async () => {
    const bundle = await loadMigrationBundle(sourceServicesDir);
    const accounts = await readFile(
      join(sourceServicesDir, 'auth', 'migrations', '0001_accounts.sql'),
      'utf8',
    );
    expect(bundle.get('auth')?.[0]?.sql).toBe(accounts);
  });
});
