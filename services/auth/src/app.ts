/** `createApp`: the Auth service's API and ops handlers over its dependencies. It never listens. */
import {
  AuthenticationError,
  authenticate,
  createServiceApp,
  createTokenVerifier,
  type HttpMetrics,
  postgresCheck,
  type Readiness,
  type RedisClient,
  redisCheck,
  type ServiceApp,
  type TokenVerifier,
} from '@quire/kit';
import type pg from 'pg';
import type { Logger } from 'pino';
import { AccountStore } from './accounts.js';
import { authTopic } from './auth-events.js';
import { authRoutes } from './auth-routes.js';
import type { AuthSettings } from './config.js';
import { LoginLimiter } from './login-limiter.js';
import { SessionStore } from './sessions.js';
import type { SigningKeyRing } from './signing-keys.js';
import { TokenIssuer } from './tokens.js';

export interface AuthDeps {
  pool: pg.Pool;
  redis: RedisClient;
  /** Started (loaded) key ring. */
  keys: SigningKeyRing;
  settings: AuthSettings;
  logger: Logger;
  environment?: 'production' | 'development' | 'test';
  metrics?: HttpMetrics;
  readiness?: Readiness;
}

/** Builds the Auth service. */
export function createApp(deps: AuthDeps): ServiceApp {
  const sessions = new SessionStore(deps.redis, deps.settings.refreshTokenTtlSeconds);
  const tokens = new TokenIssuer(deps.keys, deps.settings);
  const signature = createTokenVerifier({
    keys: deps.keys.verifyKeys,
    issuer: deps.settings.issuer,
    audience: deps.settings.audience,
  });
  // Inside Auth a token is also checked against its session, so logout takes effect at once here.
  const verifier: TokenVerifier = {
    async verify(token) {
      const principal = await signature.verify(token);
      if (!principal.sessionId || !(await sessions.isActive(principal.subject, principal.sessionId))) {
        throw new AuthenticationError('The session has ended');
      }
      return principal;
    },
  };
  const app = createServiceApp({
    service: 'auth',
    description: 'Accounts, logins, sessions and the platform access tokens',
    logger: deps.logger,
    environment: deps.environment ?? 'production',
    bodyLimit: '8kb',
    // Behind the gateway the client address comes from X-Forwarded-For set by a cluster-internal peer.
    trustProxy: 'loopback, linklocal, uniquelocal',
    authenticate: authenticate(verifier),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
    routes: authRoutes({
      accounts: new AccountStore(deps.pool, authTopic),
      sessions,
      limiter: new LoginLimiter(deps.redis, deps.settings.login),
      tokens,
      keys: deps.keys,
    }),
  });
  app.readiness.add('postgres', postgresCheck(deps.pool)).add('redis', redisCheck(deps.redis));
  return app;
}
