/** `createApp`: the Notification service's API and ops handlers over its dependencies. It never listens. */
import {
  authenticate,
  createServiceApp,
  type HttpMetrics,
  postgresCheck,
  type Readiness,
  type ServiceApp,
  type TokenVerifier,
} from '@quire/kit';
import type pg from 'pg';
import type { Logger } from 'pino';
import { notificationRoutes } from './notification-routes.js';
import type { TargetPolicy } from './webhook-target.js';

export interface NotificationDeps {
  pool: pg.Pool;
  /** Verifies access tokens; in the cluster, against the Auth service's JWKS. */
  verifier: TokenVerifier;
  logger: Logger;
  /** Which webhook URLs may be registered (production: https to public addresses only). */
  webhookPolicy: TargetPolicy;
  environment?: 'production' | 'development' | 'test';
  metrics?: HttpMetrics;
  readiness?: Readiness;
}

/** Builds the Notification service's API. */
export function createApp(deps: NotificationDeps): ServiceApp {
  const app = createServiceApp({
    service: 'notification',
    description: 'In-app notifications, preferences and signed webhook deliveries',
    logger: deps.logger,
    environment: deps.environment ?? 'production',
    bodyLimit: '8kb',
    authenticate: authenticate(deps.verifier),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
    routes: notificationRoutes(deps.pool, deps.webhookPolicy),
  });
  app.readiness.add('postgres', postgresCheck(deps.pool));
  return app;
}
