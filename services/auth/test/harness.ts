/** Builds a real Auth service for component tests: its own schema per run, the shared Redis. */
import { connectRedis, createPgPool, migrateFolder } from '@quire/kit';
import { testLogger, testSetting, uniqueName } from '@quire/kit/testing';
import { createApp } from '../src/app.js';
import { type AuthSettings, defaultAuthSettings } from '../src/config.js';
import { migrationsDir } from '../src/migrations-dir.js';
import { SigningKeyRing } from '../src/signing-keys.js';

export async function startAuth(
  overrides: Partial<AuthSettings> = {},
  databaseUrl = testSetting('QUIRE_POSTGRES_URL'),
) {
  const schema = uniqueName('auth_test');
  const logger = testLogger('auth');
  const settings = { ...defaultAuthSettings(), ...overrides };
  const pool = createPgPool({ url: databaseUrl, schema, applicationName: 'quire-auth-test', logger });
  await migrateFolder(pool, schema, migrationsDir);
  const redis = await connectRedis(testSetting('QUIRE_REDIS_URL'));
  const keys = new SigningKeyRing(pool, {
    rotationMs: settings.signingKeyRotationMs,
    accessTokenTtlSeconds: settings.accessTokenTtlSeconds,
    logger,
    // Tests rotate and use the new key at once; in the cluster a new key is published first.
    activationDelayMs: 0,
  });
  await keys.start();
  // Stories act as many clients over plain HTTP through X-Forwarded-For (see newUser).
  const app = createApp({
    pool,
    redis,
    keys,
    settings,
    logger,
    environment: 'test',
    testOnlyTrustForwardedForWithoutTls: true,
  });
  return {
    app,
    pool,
    redis,
    keys,
    schema,
    settings,
    /** The events in the outbox, oldest first. */
    async events(): Promise<{ type: string; subject: string; data: Record<string, unknown> }[]> {
      const { rows } = await pool.query('SELECT envelope FROM outbox ORDER BY created_at, id');
      return rows.map((r) => r.envelope);
    },
    async close() {
      keys.stop();
      await redis.quit();
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
    },
  };
}

export type AuthHarness = Awaited<ReturnType<typeof startAuth>>;

let counter = 0;
/** A unique email and client address for one story, so stories never share rate limits. */
export function newUser() {
  counter += 1;
  const n = `${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`;
  return {
    email: `ada.${n}@example.com`,
    password: 'correct horse battery staple',
    // An address from the IPv6 documentation range, sent as X-Forwarded-For (believed without TLS in tests).
    address: `2001:db8::${Math.floor(Math.random() * 0xffff).toString(16)}:${counter.toString(16)}`,
  };
}
