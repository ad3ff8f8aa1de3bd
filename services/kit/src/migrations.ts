/**
 * A small migration runner: versioned SQL files applied in order into one schema, each in its own
 * transaction, with its checksum recorded and verified, under an advisory lock so that replicas
 * starting together apply each file once. `migrate` is a function of (client, schema, files) so the
 * operator applies the same files, into the same table, under the same lock; its options add what
 * the operator needs: a bounded wait for the lock, and running as the service's own role.
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

/** How `migrate` behaves beyond the defaults, for a caller such as the operator. */
export interface MigrateOptions {
  /**
   * Runs the migrations as this role (SET ROLE), so the tables they create belong to the service's
   * own role rather than to the administrator that connected. The caller must be able to become it.
   */
  role?: string;
  /**
   * Gives up waiting for another migrator's lock after this long, with MigrationLockBusyError.
   * Without it the runner waits as long as the lock is held (services starting together).
   */
  lockWaitMs?: number;
  /** Called after each migration commits. */
  onApplied?: (file: MigrationFile, durationMs: number) => void;
}

/** An applied migration's file was changed since, or is gone: the history no longer matches the files. */
export class MigrationHistoryError extends Error {
  readonly schema: string;
  readonly version: number;
  readonly migration: string;
  readonly problem: 'changed' | 'missing';

  constructor(schema: string, version: number, migration: string, problem: 'changed' | 'missing') {
    super(
      problem === 'changed'
        ? `Migration ${version} (${migration}) was changed after it was applied in ${schema}`
        : `Migration ${version} (${migration}) is applied in ${schema} but its file is missing`,
    );
    this.name = 'MigrationHistoryError';
    this.schema = schema;
    this.version = version;
    this.migration = migration;
    this.problem = problem;
  }
}

/** A migration failed and was rolled back; `cause` is PostgreSQL's error. */
export class MigrationFailedError extends Error {
  readonly schema: string;
  readonly version: number;
  readonly migration: string;

  constructor(schema: string, file: MigrationFile, cause: unknown) {
    super(
      `Migration ${file.version} (${file.name}) failed in ${schema}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'MigrationFailedError';
    this.schema = schema;
    this.version = file.version;
    this.migration = file.name;
  }
}

/** Another session held the schema's migration lock for longer than the caller would wait. */
export class MigrationLockBusyError extends Error {
  readonly schema: string;

  constructor(schema: string, waitedMs: number) {
    super(`Another migrator held the migration lock of ${schema} for more than ${waitedMs} ms`);
    this.name = 'MigrationLockBusyError';
    this.schema = schema;
  }
}

/** A row of `<schema>.schema_migrations`. */
export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  appliedAt: Date;
}

/** The advisory lock key every migrator of `schema` takes (services and operator alike). */
export const migrationLockKey = (schema: string): string => `quire.migrate.${schema}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the migration lock of `schema` on this session: waits as long as it takes without `waitMs`,
 * else throws MigrationLockBusyError after it. Session-level, so it ends with the session; re-entrant
 * within a session, each take needing its own `unlockMigrations`.
 */
export async function lockMigrations(client: pg.ClientBase, schema: string, waitMs?: number): Promise<void> {
  const key = migrationLockKey(schema);
  if (waitMs === undefined) {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
    return;
  }
  // Polling the non-blocking form keeps the wait bounded without relying on lock_timeout.
  const deadline = Date.now() + waitMs;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
      [key],
    );
    if (rows[0]?.locked) return;
    const left = deadline - Date.now();
    if (left <= 0) throw new MigrationLockBusyError(schema, waitMs);
    await sleep(Math.min(200, left));
  }
}

/** Releases one take of the migration lock; a broken session has lost the lock already, so errors are ignored. */
export async function unlockMigrations(client: pg.ClientBase, schema: string): Promise<void> {
  await client
    .query('SELECT pg_advisory_unlock(hashtext($1))', [migrationLockKey(schema)])
    .catch(() => undefined);
}

/** The migrations recorded as applied in `schema`, oldest first; none when the table does not exist. */
export async function appliedMigrations(client: pg.ClientBase, schema: string): Promise<AppliedMigration[]> {
  if (!isSchemaName(schema)) throw new Error(`Invalid schema name ${schema}`);
  const { rows: exists } = await client.query<{ found: boolean }>(
    'SELECT to_regclass($1) IS NOT NULL AS found',
    [`${schema}.schema_migrations`],
  );
  if (!exists[0]?.found) return [];
  const { rows } = await client.query<AppliedMigration>(
    `SELECT version, name, checksum, applied_at AS "appliedAt" FROM ${schema}.schema_migrations ORDER BY version`,
  );
  return rows;
}

/** Applies the pending migrations into `schema`; returns the versions applied now. */
export async function migrate(
  client: pg.ClientBase,
  schema: string,
  files: readonly MigrationFile[],
  options: MigrateOptions = {},
): Promise<number[]> {
  if (!isSchemaName(schema)) throw new Error(`Invalid schema name ${schema}`);
  if (options.role !== undefined && !isSchemaName(options.role))
    throw new Error(`Invalid role name ${options.role}`);
  const sorted = [...files].sort((a, b) => a.version - b.version);
  sorted.forEach((f, i) => {
    if (i > 0 && sorted[i - 1]?.version === f.version)
      throw new Error(`Two migrations have version ${f.version}`);
  });
  await lockMigrations(client, schema, options.lockWaitMs);
  try {
    // Before SET ROLE: creating a schema needs CREATE on the database, which a service role lacks.
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    if (options.role !== undefined) await client.query(`SET ROLE "${options.role}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
         version integer PRIMARY KEY,
         name text NOT NULL,
         checksum text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const rows = await appliedMigrations(client, schema);
    const byVersion = new Map(sorted.map((f) => [f.version, f]));
    for (const row of rows) {
      const file = byVersion.get(row.version);
      if (!file) throw new MigrationHistoryError(schema, row.version, row.name, 'missing');
      if (checksumOf(file.sql) !== row.checksum)
        throw new MigrationHistoryError(schema, row.version, row.name, 'changed');
    }
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const file of sorted) {
      if (done.has(file.version)) continue;
      const started = performance.now();
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
        await client.query('ROLLBACK').catch(() => undefined);
        throw new MigrationFailedError(schema, file, err);
      }
      applied.push(file.version);
      options.onApplied?.(file, performance.now() - started);
    }
    return applied;
  } finally {
    // On a broken connection these fail too, and PostgreSQL drops the session's lock with it.
    if (options.role !== undefined) await client.query('RESET ROLE').catch(() => undefined);
    await unlockMigrations(client, schema);
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
