/**
 * A small migration runner: versioned SQL files applied in order into one schema, each in its own
 * transaction, with its checksum recorded and verified, under an advisory lock so that replicas
 * starting together apply each file once. `migrate` is a pure function of (client, schema, files)
 * so the operator can apply the same files.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';
import { isSchemaName } from './postgres.js';

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
}

const fileName = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** The sha256 of a migration's text, as recorded in schema_migrations. */
export const checksumOf = (sql: string): string => createHash('sha256').update(sql).digest('hex');

/** Reads `NNNN_name.sql` files from a folder, ordered by version; other files are an error. */
export async function loadMigrations(dir: string): Promise<MigrationFile[]> {
  const files: MigrationFile[] = [];
  for (const entry of (await readdir(dir)).sort()) {
    const m = fileName.exec(entry);
    if (!m?.[1] || !m[2]) throw new Error(`Migration file ${entry} is not named NNNN_name.sql`);
    files.push({ version: Number(m[1]), name: m[2], sql: await readFile(join(dir, entry), 'utf8') });
  }
  return files;
}

/** Applies the pending migrations into `schema`; returns the versions applied now. */
export async function migrate(
  client: pg.ClientBase,
  schema: string,
  files: readonly MigrationFile[],
): Promise<number[]> {
  if (!isSchemaName(schema)) throw new Error(`Invalid schema name ${schema}`);
  const sorted = [...files].sort((a, b) => a.version - b.version);
  sorted.forEach((f, i) => {
    if (i > 0 && sorted[i - 1]?.version === f.version)
      throw new Error(`Two migrations have version ${f.version}`);
  });
  const lockKey = `quire.migrate.${schema}`;
  await client.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
         version integer PRIMARY KEY,
         name text NOT NULL,
         checksum text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      `SELECT version, name, checksum FROM ${schema}.schema_migrations ORDER BY version`,
    );
    const byVersion = new Map(sorted.map((f) => [f.version, f]));
    for (const row of rows) {
      const file = byVersion.get(row.version);
      if (!file)
        throw new Error(
          `Migration ${row.version} (${row.name}) is applied in ${schema} but its file is missing`,
        );
      if (checksumOf(file.sql) !== row.checksum) {
        throw new Error(
          `Migration ${row.version} (${row.name}) was changed after it was applied in ${schema}`,
        );
      }
    }
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const file of sorted) {
      if (done.has(file.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL search_path TO ${schema}`);
        await client.query(file.sql);
        await client.query(
          `INSERT INTO ${schema}.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)`,
          [file.version, file.name, checksumOf(file.sql)],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(
          `Migration ${file.version} (${file.name}) failed in ${schema}: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      }
      applied.push(file.version);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
  }
}

/** Applies a folder of migrations with one connection from the pool (local runs and tests). */
export async function migrateFolder(pool: pg.Pool, schema: string, dir: string): Promise<number[]> {
  const files = await loadMigrations(dir);
  const client = await pool.connect();
  try {
    return await migrate(client, schema, files);
  } finally {
    client.release();
  }
}
