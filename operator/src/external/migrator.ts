/**
 * Applies one service's migrations the operator's way: the kit's runner (the same files, table
 * `<schema>.schema_migrations` and lock as a service migrating itself), run as the service's role,
 * on the operator's dedicated session, waiting a bounded time for the lock. The lock is a
 * session-level advisory lock, so two operator replicas never apply the same migration, and one
 * that dies mid-migration leaves no lock behind: PostgreSQL rolls back its transaction and drops
 * its locks with its session. Reports what is applied, for the Platform status.
 */

import type pg from 'pg';
import {
  type AppliedMigration,
  appliedMigrations,
  lockMigrations,
  type MigrationFile,
  type MigrationLockBusyError,
  migrate,
  migrationLockKey,
  unlockMigrations,
} from './kit-migrations.js';

/** The latest applied migration, as the Platform status shows it. */
export interface AppliedVersion {
  /** `NNNN_name`, e.g. 0002_signing_keys. */
  readonly version: string;
  readonly number: number;
  readonly appliedAt: Date;
}

export interface MigrationRun {
  /** Migrations applied by this run, in order. */
  readonly applied: readonly MigrationFile[];
  readonly latest: AppliedVersion | undefined;
}

/** Who holds a migration lock: enough for a person to find the session. */
export interface LockHolder {
  readonly pid: number;
  readonly applicationName: string;
  readonly clientAddress: string | null;
}

export interface MigratorOptions {
  /** How long to wait for another migrator of the same schema (default 10 s). */
  readonly lockWaitMs?: number;
  readonly onApplied?: (file: MigrationFile, durationMs: number) => void;
}

/** `NNNN_name` of a migration. */
export const versionName = (m: { version: number; name: string }): string =>
  `${String(m.version).padStart(4, '0')}_${m.name}`;

function latestOf(rows: readonly AppliedMigration[]): AppliedVersion | undefined {
  const last = rows.at(-1);
  return last && { version: versionName(last), number: last.version, appliedAt: last.appliedAt };
}

/** Sessions holding the migration lock of `schema` (none once a killed migrator's session is gone). */
export async function migrationLockHolders(client: pg.ClientBase, schema: string): Promise<LockHolder[]> {
  // A one-bigint advisory lock shows its key split into classid (high half) and objid (low half).
  const { rows } = await client.query<LockHolder>(
    `SELECT l.pid, coalesce(a.application_name, '') AS "applicationName", a.client_addr::text AS "clientAddress"
       FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.database = (
              SELECT oid FROM pg_database WHERE datname = current_database())
        AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtext($1)::bigint`,
    [migrationLockKey(schema)],
  );
  return rows;
}

/**
 * Applies the pending migrations of one schema as `role`. Throws the kit's MigrationHistoryError
 * (an applied file changed or vanished), MigrationFailedError (rolled back) or MigrationLockBusyError.
 */
export async function runMigrations(
  client: pg.ClientBase,
  target: { schema: string; role: string },
  files: readonly MigrationFile[],
  options: MigratorOptions = {},
): Promise<MigrationRun> {
  const applied: MigrationFile[] = [];
  if (files.length > 0) {
    await migrate(client, target.schema, files, {
      role: target.role,
      lockWaitMs: options.lockWaitMs ?? 10_000,
      onApplied: (file, ms) => {
        applied.push(file);
        options.onApplied?.(file, ms);
      },
    });
  }
  return { applied, latest: await latestApplied(client, target.schema) };
}

/** The latest migration applied in `schema`, if any. */
export async function latestApplied(
  client: pg.ClientBase,
  schema: string,
): Promise<AppliedVersion | undefined> {
  return latestOf(await appliedMigrations(client, schema));
}

/**
 * Runs `fn` holding the migration lock of `schema` on this session, waiting at most `waitMs`. The
 * kit's runner takes the same lock inside (advisory locks are re-entrant within a session), so
 * preparing the role, writing its Secret and migrating happen as one step no other replica interleaves.
 */
export async function withMigrationLock<T>(
  client: pg.ClientBase,
  schema: string,
  waitMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  await lockMigrations(client, schema, waitMs);
  try {
    return await fn();
  } finally {
    await unlockMigrations(client, schema);
  }
}

/** Describes who holds the lock a MigrationLockBusyError was about, for the condition message. */
export async function describeLockBusy(
  client: pg.ClientBase,
  error: MigrationLockBusyError,
): Promise<string> {
  const holders = await migrationLockHolders(client, error.schema).catch(() => []);
  const who = holders.map((h) => `pid ${h.pid}${h.applicationName ? ` (${h.applicationName})` : ''}`);
  return who.length > 0 ? `${error.message}: held by ${who.join(', ')}` : error.message;
}
