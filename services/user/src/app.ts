/** `createApp`: the User service's API and ops handlers over its dependencies. It never listens. */
import {
  authenticate,
  createServiceApp,
  FixedWindowLimiter,
  type HttpMetrics,
  postgresCheck,
  type Readiness,
  type RedisClient,
  type ServiceApp,
  type TokenVerifier,
} from '@quire/kit';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { UserSettings } from './config.js';
import { profileRoutes } from './profile-routes.js';
import { ProfileStore } from './profile-store.js';

export interface UserDeps {
  pool: pg.Pool;
  /** Counts each caller's email lookups, shared by every replica. */
  redis: RedisClient;
  settings: UserSettings;
  /** Verifies access tokens; in the cluster, against the Auth service's JWKS. */
  verifier: TokenVerifier;
  logger: Logger;
  environment?: 'production' | 'development' | 'test';
  metrics?: HttpMetrics;
  readiness?: Readiness;
}

/** Builds the User service. */
export function createApp(deps: UserDeps): ServiceApp {
  const app = createServiceApp({
    service: 'user',
    description: 'User profiles',
    logger: deps.logger,
    environment: deps.environment ?? 'production',
    bodyLimit: '16kb',
    authenticate: authenticate(deps.verifier),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
    routes: profileRoutes(
      new ProfileStore(deps.pool),
      new FixedWindowLimiter(
        deps.redis,
        'quire:user:lookup:',
        deps.settings.lookup,
        'Too many email lookups; try again later',
      ),
    ),
  });
  // Redis is not a readiness check: it only counts email lookups, which answer 503 while it is down,
  // and an outage of it must not take every profile route out of the Service's endpoints.
  app.readiness.add('postgres', postgresCheck(deps.pool));
  return app;
}
