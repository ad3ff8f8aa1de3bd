/**
 * Builds the Audit service for component tests over the real stack: its own PostgreSQL schema and
 * its own Kafka topics per run, tokens from a test issuer.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createPgPool, type EventEnvelope, migrateFolder, newEvent } from '@quire/kit';
import { createTestTopics, startTestIssuer, testLogger, testSetting, uniqueName } from '@quire/kit/testing';
import { createApp } from '../src/app.js';
import { migrationsDir } from '../src/migrations-dir.js';

export const brokers = () => testSetting('QUIRE_KAFKA_BROKERS').split(',');

export async function startAudit() {
  const issuer = await startTestIssuer();
  const schema = uniqueName('audit_test');
  const logger = testLogger('audit');
  const pool = createPgPool({
    url: testSetting('QUIRE_POSTGRES_URL'),
    schema,
    applicationName: 'audit-test',
    logger,
  });
  await migrateFolder(pool, schema, migrationsDir);
  const app = createApp({ pool, verifier: issuer.verifier, logger, environment: 'test' });
  const drops: (() => Promise<void>)[] = [];
  return {
    app,
    pool,
    schema,
    logger,
    issuer,
    /** Topics of this run, named after `names`; deleted on close. */
    async topics<N extends string>(names: N[], numPartitions = 3): Promise<Record<N, string>> {
      const suffix = randomBytes(4).toString('hex');
      const out = Object.fromEntries(names.map((n) => [n, `quire.audit-test.${n}.${suffix}`])) as Record<
        N,
        string
      >;
      drops.push(
        await createTestTopics(
          brokers(),
          Object.values<string>(out).map((topic) => ({ topic, numPartitions })),
        ),
      );
      return out;
    },
    async token(roles: string[] = ['admin'], subject = randomUUID()) {
      return issuer.token({ subject, roles });
    },
    async count(): Promise<number> {
      return (await pool.query('SELECT count(*)::int AS n FROM audit_log')).rows[0].n;
    },
    async close() {
      for (const drop of drops) await drop();
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
      await issuer.close();
    },
  };
}

export type AuditHarness = Awaited<ReturnType<typeof startAudit>>;

/** An event as a platform service would publish it. */
export const platformEvent = (
  type: string,
  subject: string,
  data: Record<string, unknown>,
  time?: string,
): EventEnvelope => {
  const e = newEvent({ type, source: type.split('.')[0] ?? 'test', subject, data });
  return time ? { ...e, time } : e;
};

/** Polls until `check` resolves true. */
export async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`The condition did not hold within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
