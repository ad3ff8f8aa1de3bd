import { randomBytes, randomUUID } from 'node:crypto';
import { createPgPool, loadMigrations, migrate, withTransaction } from '@quire/kit';
import { testLogger, testSetting, uniqueName } from '@quire/kit/testing';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvent } from '../src/audit-consumer.js';
import { migrationsDir } from '../src/migrations-dir.js';
import { type AuditHarness, platformEvent, startAudit } from './harness.js';

let h: AuditHarness;
beforeAll(async () => {
  h = await startAudit();
  for (let i = 1; i <= 20; i++) {
    await recordEvent(h.pool, platformEvent('document.updated', `doc-${i}`, { actor: 'ada', version: i }));
  }
});
afterAll(async () => {
  await h?.close();
});

const verify = async () =>
  (
    await request(h.app.api)
      .get('/v1/audit/verify')
      .set('authorization', `Bearer ${await h.token()}`)
  ).body;

/** Runs SQL as a database administrator who switched the append-only triggers off: the attack the chain is for. */
const tamper = (sql: string) =>
  withTransaction(h.pool, async (c) => {
    await c.query('SET LOCAL session_replication_role = replica');
    await c.query(sql);
  });

describe('the tamper-evident chain', () => {
  it('verifies an untouched log and reports its head', async () => {
    expect(await verify()).toMatchObject({ valid: true, checked: 20, head: { seq: 20 } });
  });

  it('refuses UPDATE and DELETE even to a superuser while the triggers are on', async () => {
    await expect(h.pool.query(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 3`)).rejects.toThrow(
      /append-only/,
    );
    await expect(h.pool.query('DELETE FROM audit_log WHERE seq = 3')).rejects.toThrow(/append-only/);
    await expect(h.pool.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
  });

  it('reports exactly the entry whose row was altered in the database', async () => {
    const { event_id: eventId } = (await h.pool.query('SELECT event_id FROM audit_log WHERE seq = 7'))
      .rows[0];
    await tamper(`UPDATE audit_log SET data = jsonb_set(data, '{actor}', '"mallory"') WHERE seq = 7`);
    expect(await verify()).toEqual({
      valid: false,
      checked: 7,
      firstBroken: { seq: 7, eventId, reason: 'hash-mismatch' },
      mode: 'incremental',
      from: 0,
      checkpoints: { checked: 0, failed: 0 },
    });
  });

  it('reports the entry after one that was deleted', async () => {
    await tamper(`UPDATE audit_log SET data = jsonb_set(data, '{actor}', '"ada"') WHERE seq = 7`);
    expect((await verify()).valid).toBe(true);
    await tamper('DELETE FROM audit_log WHERE seq = 12');
    expect((await verify()).firstBroken).toMatchObject({ seq: 13, reason: 'missing-entry' });
  });
});

describe("the service's own database role", () => {
  // As the operator sets it up: a least-privilege login role that owns the schema and runs the migrations.
  const schema = uniqueName('audit_role');
  const role = `quire_${schema}`;
  const password = randomBytes(12).toString('hex');
  const admin = new pg.Pool({ connectionString: testSetting('QUIRE_POSTGRES_URL'), max: 1 });
  let asRole: pg.Pool;
  beforeAll(async () => {
    await admin.query(
      `CREATE ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '${password}'`,
    );
    await admin.query(`CREATE SCHEMA ${schema} AUTHORIZATION ${role}`);
    const client = await admin.connect();
    await migrate(client, schema, await loadMigrations(migrationsDir), { role });
    client.release();
    const url = new URL(testSetting('QUIRE_POSTGRES_URL'));
    url.username = role;
    url.password = password;
    asRole = createPgPool({
      url: url.toString(),
      schema,
      applicationName: 'audit-role-test',
      logger: testLogger(),
    });
  });
  afterAll(async () => {
    await asRole?.end();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.query(`DROP OWNED BY ${role}`);
    await admin.query(`DROP ROLE ${role}`);
    await admin.end();
  });

  it('may append and read entries, but not update, delete or truncate them', async () => {
    await recordEvent(asRole, platformEvent('user.created', randomUUID(), { actor: 'ada' }));
    expect((await asRole.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n).toBe(1);
    for (const sql of [
      `UPDATE audit_log SET actor = 'mallory'`,
      'DELETE FROM audit_log',
      'TRUNCATE audit_log',
    ]) {
      await expect(asRole.query(sql)).rejects.toMatchObject({
        code: '42501',
        message: expect.stringMatching(/permission denied/),
      });
    }
  });
});
