/**
 * Builds the Notification service for component tests over the real stack: its own PostgreSQL
 * schema and Kafka topics per run, tokens from a test issuer, webhooks allowed to reach loopback.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createPgPool, type EventEnvelope, migrateFolder, newEvent } from '@quire/kit';
import { createTestTopics, startTestIssuer, testLogger, testSetting, uniqueName } from '@quire/kit/testing';
import { createApp } from '../src/app.js';
import { migrationsDir } from '../src/migrations-dir.js';

export const brokers = () => testSetting('QUIRE_KAFKA_BROKERS').split(',');
export const localPolicy = { allowPlainHttp: true, allowPrivateAddresses: true };

export async function startNotification() {
  const issuer = await startTestIssuer();
  const schema = uniqueName('notification_test');
  const logger = testLogger('notification');
  const pool = createPgPool({
    url: testSetting('QUIRE_POSTGRES_URL'),
    schema,
    applicationName: 'notification-test',
    logger,
  });
  await migrateFolder(pool, schema, migrationsDir);
  const app = createApp({
    pool,
    verifier: issuer.verifier,
    logger,
    webhookPolicy: localPolicy,
    environment: 'test',
  });
  const drops: (() => Promise<void>)[] = [];
  return {
    app,
    pool,
    schema,
    logger,
    issuer,
    async topics<N extends string>(names: N[], numPartitions = 3): Promise<Record<N, string>> {
      const suffix = randomBytes(4).toString('hex');
      const out = Object.fromEntries(
        names.map((n) => [n, `quire.notification-test.${n}.${suffix}`]),
      ) as Record<N, string>;
      drops.push(
        await createTestTopics(
          brokers(),
          Object.values<string>(out).map((topic) => ({ topic, numPartitions })),
        ),
      );
      return out;
    },
    /** A user with an access token. */
    async user() {
      const subject = randomUUID();
      return { subject, token: await issuer.token({ subject }) };
    },
    async count(userId?: string): Promise<number> {
      const { rows } = await pool.query(
        'SELECT count(*)::int AS n FROM notifications WHERE $1::text IS NULL OR user_id = $1',
        [userId ?? null],
      );
      return rows[0].n;
    },
    async close() {
      for (const drop of drops) await drop();
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
      await issuer.close();
    },
  };
}
export type NotificationHarness = Awaited<ReturnType<typeof startNotification>>;

/** What each document event type changes, as the Document service names it. */
const changedBy: Record<string, string[]> = {
  'document.shared': ['shares'],
  'document.deleted': ['deleted'],
  'document.restored': ['deleted'],
};

/**
 * A document event as the Document service publishes it (schema version 1), with the sharees given;
 * made by the owner unless an `actor` (such as an admin) is named.
 */
export function documentEvent(
  type: string,
  doc: {
    id: string;
    version: number;
    ownerId: string;
    title: string;
    shares?: { userId: string; permission: string }[];
  },
  actor = doc.ownerId,
): EventEnvelope {
  const shares = doc.shares ?? [];
  const at = new Date().toISOString();
  return newEvent({
    type,
    source: 'document',
    subject: doc.id,
    data: {
      actor,
      changed: changedBy[type] ?? [],
      version: doc.version,
      document: {
        ...doc,
        contentType: 'text/plain',
        size: 1,
        sha256: '0'.repeat(64),
        tags: [],
        readers: [doc.ownerId, ...shares.map((s) => s.userId)],
        shares,
        createdAt: at,
        updatedAt: at,
        deleted: type === 'document.deleted',
      },
    },
  });
}

/** An Auth login event as Auth publishes it. */
export const loginEvent = (accountId: string, userAgent: string, address = '203.0.113.7') =>
  newEvent({
    type: 'auth.logged_in',
    source: 'auth',
    subject: accountId,
    data: { sessionId: randomUUID(), address, userAgent },
  });

/** Polls until `check` resolves true. */
export async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`The condition did not hold within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
