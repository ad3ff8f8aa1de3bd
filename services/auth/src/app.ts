/** `createApp`: the Auth service's API and ops handlers over its dependencies. It never listens. */
import {
  AuthenticationError,
  authenticate,
  clientAddressResolver,
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
import { accountRoutes } from './account-routes.js';
import { AccountStore } from './accounts.js';
import { authTopic } from './auth-events.js';
import { authRoutes } from './auth-routes.js';
import type { AuthSettings } from './config.js';
import { LoginLimiter } from './login-limiter.js';
import { sessionRoutes } from './session-routes.js';
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
  /**
   * Component tests only: believe X-Forwarded-For on plain-HTTP connections, so a test can act as
   * many clients (over TLS only the trusted proxy's identity counts; see the kit's client-address).
   */
  testOnlyTrustForwardedForWithoutTls?: boolean;
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
  // Behind the gateway the client is what the gateway put in X-Forwarded-For, believed only from a
  // peer whose client certificate names a trusted proxy; Express's `trust proxy` (by IP) stays off.
  const clientAddress = clientAddressResolver({
    trustedProxies: deps.settings.trustedProxyIds,
    testOnlyTrustForwardedForWithoutTls: deps.testOnlyTrustForwardedForWithoutTls === true,
  });
  const accounts = new AccountStore(deps.pool, authTopic);
  const token = authRoutes({
    accounts,
    sessions,
    limiter: new LoginLimiter(deps.redis, deps.settings.login),
    tokens,
    keys: deps.keys,
    clientAddress,
    refreshTokenTtlSeconds: deps.settings.refreshTokenTtlSeconds,
    bootstrapAdminEmail: deps.settings.bootstrapAdminEmail,
  });
  const session = sessionRoutes({ accounts, sessions, verifier });
  const account = accountRoutes({ accounts, sessions });
  const app = createServiceApp({
    service: 'auth',
    description: 'Accounts, logins, sessions and the platform access tokens',
    logger: deps.logger,
    environment: deps.environment ?? 'production',
    bodyLimit: '8kb',
    authenticate: authenticate(verifier),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
    routes: (r) => {
      token(r);
      session(r);
      account(r);
    },
  });
  app.readiness.add('postgres', postgresCheck(deps.pool)).add('redis', redisCheck(deps.redis));
  return app;
}
