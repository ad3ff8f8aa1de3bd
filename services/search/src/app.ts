/** `createApp`: the Search service's API and ops handlers over its engine. It never listens. */
import {
  authenticate,
  createServiceApp,
  type HttpMetrics,
  type Readiness,
  type ServiceApp,
  type TokenVerifier,
} from '@quire/kit';
import type { Logger } from 'pino';
import type { SearchEngine } from './engine.js';
import { searchRoutes } from './search-routes.js';

export interface SearchDeps {
  engine: SearchEngine;
  /** The alias searches go through. */
  alias: string;
  verifier: TokenVerifier;
  logger: Logger;
  environment?: 'production' | 'development' | 'test';
  metrics?: HttpMetrics;
  readiness?: Readiness;
}

/** Builds the Search service's API. */
export function createApp(deps: SearchDeps): ServiceApp {
  const app = createServiceApp({
    service: 'search',
    description: 'Full-text search over the documents a user may read',
    logger: deps.logger,
    environment: deps.environment ?? 'production',
    bodyLimit: '4kb',
    authenticate: authenticate(deps.verifier),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
    routes: searchRoutes(deps.engine, deps.alias),
  });
  app.readiness.add(deps.engine.kind, () => deps.engine.ping());
  return app;
}
