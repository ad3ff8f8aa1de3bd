/** `createApp`: the Audit service's API and ops handlers over its dependencies. It never listens. */
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
import { auditRoutes } from './audit-routes.js';

export interface AuditDeps {
  pool: pg.Pool;
  /** Verifies access tokens; in the cluster, against the Auth service's JWKS. */
  verifier: TokenVerifier;
  logger: Logger;
  environment?: 'production' | 'development' | 'test';
  metrics?: HttpMetrics;
  readiness?: Readiness;
}

/** Builds the Audit service's API. */
export function createApp(deps: AuditDeps): ServiceApp {
  const app = createServiceApp({
    service: 'audit',
    description: 'The append-only, hash-chained audit log of every platform event',
    logger: deps.logger,
    environment: deps.environment ?? 'production',
    bodyLimit: '1kb',
    authenticate: authenticate(deps.verifier),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
    routes: auditRoutes(deps.pool),
  });
  app.readiness.add('postgres', postgresCheck(deps.pool));
  return app;
}
