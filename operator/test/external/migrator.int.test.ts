/**
 * The operator's migrator against the local stack's PostgreSQL: exactly once under concurrency, no
 * stale lock after a migrator is killed mid-migration, a bounded wait for a held lock.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@quire/dev';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type MigrationFile,
  MigrationLockBusyError,
  migrationLockKey,
} from '../../src/external/kit-migrations.js';
import { describeLockBusy, migrationLockHolders, runMigrations } from '../../src/external/migrator.js';
import { generatePassword, type SchemaTarget, scramVerifier } from '../../src/external/schema-plan.js';
import { ensureSchema } from '../../src/external/schema-sync.js';
import { adminConnection, adminSession, dropTargets, testClient, uniqueTarget } from './fixtures/postgres.js';

const files: MigrationFile[] = [
  {
    version: 1,
    name: 'runs',
    sql: 'CREATE TABLE runs (id serial PRIMARY KEY, at timestamptz DEFAULT now());',
  },
  // A migration that counts how often it ran, and takes long enough for two migrators to overlap.
  { version: 2, name: 'count_once', sql: 'INSERT INTO runs DEFAULT VALUES; SELECT pg_sleep(0.5);' },
  { version: 3, name: 'more', sql: 'ALTER TABLE runs ADD COLUMN note text;' },
];

const targets: SchemaTarget[] = [];
let check: pg.Client;

async function prepared(service: string): Promise<SchemaTarget> {
  const target = uniqueTarget(service);
  targets.push(target);
  const session = await adminSession();
  try {
    await ensureSchema(session, target, adminConnection().database, {
      verifier: scramVerifier(generatePassword()),
      replace: false,
    });
  } finally {
    await session.end();
  }
  return target;
}

async function withSession<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const session = await adminSession();
  try {
    return await fn(session);
  } finally {
    await session.end();
  }
}

const countRuns = async (schema: string) =>
  (await check.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".runs`)).rows[0]?.n;

beforeAll(async () => {
  check = await testClient();
});
afterAll(async () => {
  await check.end();
  await dropTargets(targets);
});

describe('migrating a schema', () => {
  it("applies each migration once as the service's role, and a second run applies nothing", async () => {
    const target = await prepared('mig');
    const first = await withSession((s) => runMigrations(s, target, files));
    expect(first.applied.map((f) => f.version)).toEqual([1, 2, 3]);
    expect(first.latest).toMatchObject({ version: '0003_more', number: 3 });
    const second = await withSession((s) => runMigrations(s, target, files));
    expect(second.applied).toEqual([]);
    const { rows } = await check.query(
      `SELECT tableowner FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`,
      [target.schema],
    );
    expect(rows.map((r) => r.tableowner)).toEqual([target.role, target.role]);
  });

  it('when two reconcilers migrate at once, each migration is applied exactly once', async () => {
    const target = await prepared('mig');
    const [a, b] = await Promise.all([
      withSession((s) => runMigrations(s, target, files)),
      withSession((s) => runMigrations(s, target, files)),
    ]);
    expect([...a.applied, ...b.applied].map((f) => f.version).sort()).toEqual([1, 2, 3]);
    expect(await countRuns(target.schema)).toBe(1);
    expect(a.latest?.version).toBe('0003_more');
    expect(b.latest?.version).toBe('0003_more');
  });

  it('gives up waiting for a lock another session holds, and names that session', async () => {
    const target = await prepared('mig');
    const holder = await testClient();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtext($1))', [migrationLockKey(target.schema)]);
      const started = Date.now();
      const error = await withSession((s) => runMigrations(s, target, files, { lockWaitMs: 600 })).catch(
        (e) => e,
      );
      expect(error).toBeInstanceOf(MigrationLockBusyError);
      expect(Date.now() - started).toBeLessThan(3_000);
      const pid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      expect(await withSession((s) => describeLockBusy(s, error))).toMatch(new RegExp(`held by pid ${pid}`));
    } finally {
      await holder.end();
    }
  });
});

describe('a migrator killed mid-migration', () => {
  let child: ChildProcess | undefined;
  afterAll(() => child?.kill('SIGKILL'));

  it('leaves no lock and no half-applied migration, and the next run completes', async () => {
    const target = await prepared('killed');
    const slow: MigrationFile[] = [
      files[0] as MigrationFile,
      { version: 2, name: 'slow', sql: 'INSERT INTO runs DEFAULT VALUES; SELECT pg_sleep(5);' },
    ];
    const dir = await mkdtemp(join(tmpdir(), 'quire-migrator-'));
    await writeFile(join(dir, 'target.json'), JSON.stringify({ connection: adminConnection(), ...target }));
    await writeFile(join(dir, 'files.json'), JSON.stringify(slow));
    const hook = fileURLToPath(new URL('../runtime/fixtures/ts-resolve-hook.mjs', import.meta.url));
    const script = fileURLToPath(new URL('./fixtures/migrator-process.ts', import.meta.url));
    child = spawn(
      process.execPath,
      ['--import', hook, script, join(dir, 'target.json'), join(dir, 'files.json')],
      {
        stdio: 'ignore',
      },
    );

    // Killed while the slow migration runs: its session holds the lock and an open transaction.
    await waitFor(
      'the child to be inside the slow migration',
      async () => {
        const holders = await migrationLockHolders(check, target.schema);
        if (holders.length === 0) return undefined;
        const { rows } = await check.query('SELECT query FROM pg_stat_activity WHERE pid = $1', [
          holders[0]?.pid,
        ]);
        return String(rows[0]?.query).includes('pg_sleep') ? true : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    child.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));

    await waitFor(
      'PostgreSQL to end the killed session and drop its lock',
      async () => ((await migrationLockHolders(check, target.schema)).length === 0 ? true : undefined),
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    const recorded = await check.query(
      `SELECT version FROM "${target.schema}".schema_migrations ORDER BY version`,
    );
    expect(recorded.rows.map((r) => r.version)).toEqual([1]);
    expect(await countRuns(target.schema)).toBe(0);

    const rerun = await withSession((s) => runMigrations(s, target, slow, { lockWaitMs: 1_000 }));
    expect(rerun.applied.map((f) => f.version)).toEqual([2]);
    expect(await countRuns(target.schema)).toBe(1);
    expect(await migrationLockHolders(check, target.schema)).toEqual([]);
  });
});
