import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checksumOf, migrate } from '../src/migrations.js';
import { testSetting, uniqueName } from '../src/testing/index.js';

const first = { version: 1, name: 'things', sql: 'CREATE TABLE things (id int PRIMARY KEY);' };
const files = [first, { version: 2, name: 'more_things', sql: 'ALTER TABLE things ADD COLUMN name text;' }];

describe('the migration runner against PostgreSQL', () => {
  const schemas: string[] = [];
  let admin: pg.Client;
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: testSetting('QUIRE_POSTGRES_URL') });
    await admin.connect();
  });
  afterAll(async () => {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await admin.end();
  });

  it('applies pending files into the schema once, recording their checksums', async () => {
    const schema = uniqueName('kit_mig');
    schemas.push(schema);
    expect(await migrate(admin, schema, files)).toEqual([1, 2]);
    expect(await migrate(admin, schema, files)).toEqual([]);
    const { rows } = await admin.query(
      `SELECT version, checksum FROM ${schema}.schema_migrations ORDER BY version`,
    );
    expect(rows).toEqual(files.map((f) => ({ version: f.version, checksum: checksumOf(f.sql) })));
    await admin.query(`INSERT INTO ${schema}.things (id, name) VALUES (1, 'a')`);
  });

  it('when two replicas migrate at once, each file is applied exactly once', async () => {
    const schema = uniqueName('kit_mig');
    schemas.push(schema);
    const other = new pg.Client({ connectionString: testSetting('QUIRE_POSTGRES_URL') });
    await other.connect();
    try {
      const [a, b] = await Promise.all([migrate(admin, schema, files), migrate(other, schema, files)]);
      expect([...a, ...b].sort()).toEqual([1, 2]);
    } finally {
      await other.end();
    }
  });

  it('refuses to run when an applied file was changed, and rolls back a failing file', async () => {
    const schema = uniqueName('kit_mig');
    schemas.push(schema);
    await migrate(admin, schema, files.slice(0, 1));
    await expect(migrate(admin, schema, [{ ...first, sql: 'SELECT 1;' }])).rejects.toThrow(/was changed/);
    const broken = {
      version: 2,
      name: 'broken',
      sql: 'CREATE TABLE half (id int); SELECT no_such_function();',
    };
    await expect(migrate(admin, schema, [first, broken])).rejects.toThrow(/Migration 2 \(broken\) failed/);
    const { rows } = await admin.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'half'`,
      [schema],
    );
    expect(rows[0].n).toBe(0);
  });
});
