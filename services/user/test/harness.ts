/**
 * Builds the User service for component tests, with a real Auth service listening on a local port
 * so User verifies tokens through Auth's JWKS over HTTP, as in the cluster, and the stack's Redis
 * (database 0, apart from the local Platform's) counting lookups per caller.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  connectRedis,
  createJwksVerifier,
  createPgPool,
  migrateFolder,
  servicePaths,
  type TokenVerifier,
} from '@quire/kit';
import { testLogger, testSetting, uniqueName } from '@quire/kit/testing';
import request from 'supertest';
import { type AuthHarness, newUser, startAuth } from '../../auth/test/harness.js';
import { createApp } from '../src/app.js';
import { defaultUserSettings, type UserSettings } from '../src/config.js';
import { migrationsDir } from '../src/migrations-dir.js';

export interface Caller {
  accountId: string;
  email: string;
  accessToken: string;
}

/**
 * A User service over its own new schema, trusting `verifier`: for tests that bring their own Auth
 * (the CLI's services). `close` drops the schema.
 */
export async function startUserOver(
  verifier: TokenVerifier,
  databaseUrl = testSetting('QUIRE_POSTGRES_URL'),
  settings: UserSettings = defaultUserSettings(),
) {
  const schema = uniqueName('users_test');
  const logger = testLogger('user');
  const pool = createPgPool({ url: databaseUrl, schema, applicationName: 'quire-user-test', logger });
  await migrateFolder(pool, schema, migrationsDir);
  const redis = await connectRedis(testSetting('QUIRE_REDIS_URL'));
  return {
    app: createApp({ pool, redis, settings, verifier, logger, environment: 'test' }),
    pool,
    redis,
    schema,
    async close() {
      await redis.quit();
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
    },
  };
}

/**
 * A User service with its own Auth; `overrides` change User's settings (a small lookup limit, say).
 * Lookup counts are keyed by account id, new for every caller, so runs never share a limit.
 */
export async function startUser(overrides: Partial<UserSettings> = {}) {
  const settings: UserSettings = { ...defaultUserSettings(), ...overrides };
  const auth: AuthHarness = await startAuth();
  const authServer: Server = await new Promise((resolve) => {
    const s = auth.app.api.listen(0, '127.0.0.1', () => resolve(s));
  });
  const jwksUrl = `http://127.0.0.1:${(authServer.address() as AddressInfo).port}${servicePaths.jwks}`;
  const schema = uniqueName('users_test');
  const logger = testLogger('user');
  const redis = await connectRedis(testSetting('QUIRE_REDIS_URL'));

  /** A User service over the given database URL (the shared one, or one through a proxy). */
  const build = async (databaseUrl = testSetting('QUIRE_POSTGRES_URL')) => {
    const pool = createPgPool({ url: databaseUrl, schema, applicationName: 'quire-user-test', logger });
    await migrateFolder(pool, schema, migrationsDir);
    const verifier = createJwksVerifier({ jwksUrl, issuer: 'quire-auth', audience: 'quire' });
    return { app: createApp({ pool, redis, settings, verifier, logger, environment: 'test' }), pool };
  };
  const main = await build();

  /** Signs up a new account in Auth (optionally an admin) and returns its access token. */
  const caller = async (roles: string[] = ['user']): Promise<Caller> => {
    const u = newUser();
    const signUp = await request(auth.app.api)
      .post('/v1/auth/signup')
      .set('x-forwarded-for', u.address)
      .send({ email: u.email, password: u.password })
      .expect(201);
    if (roles.join() === 'user')
      return { accountId: signUp.body.accountId, email: u.email, accessToken: signUp.body.accessToken };
    await auth.pool.query('UPDATE accounts SET roles = $2 WHERE id = $1', [signUp.body.accountId, roles]);
    const login = await request(auth.app.api)
      .post('/v1/auth/login')
      .set('x-forwarded-for', u.address)
      .send({ email: u.email, password: u.password })
      .expect(200);
    return { accountId: login.body.accountId, email: u.email, accessToken: login.body.accessToken };
  };

  return {
    ...main,
    auth,
    redis,
    settings,
    schema,
    jwksUrl,
    build,
    caller,
    async events(): Promise<{ type: string; subject: string; data: Record<string, unknown> }[]> {
      const { rows } = await main.pool.query('SELECT envelope FROM outbox ORDER BY created_at, id');
      return rows.map((r) => r.envelope);
    },
    async close() {
      await new Promise<void>((r) => authServer.close(() => r()));
      authServer.closeAllConnections();
      await redis.quit();
      await main.pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await main.pool.end();
      await auth.close();
    },
  };
}

export type UserHarness = Awaited<ReturnType<typeof startUser>>;
