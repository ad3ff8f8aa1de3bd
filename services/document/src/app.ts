/** `createApp`: the Document service's API and ops handlers over its dependencies. It never listens. */
import {
  authenticate,
  createServiceApp,
  type HttpMetrics,
  postgresCheck,
  type Readiness,
  type ServiceApp,
  s3Check,
  type TokenVerifier,
} from '@quire/kit';
import type { Request } from 'express';
import type pg from 'pg';
import type { Logger } from 'pino';
import { type DocumentSettings, defaultDocumentSettings } from './config.js';
import { ContentReceiver } from './content-receiver.js';
import { contentRoutes } from './content-routes.js';
import { type DocumentTopics, defaultTopics } from './document-events.js';
import { documentRoutes } from './document-routes.js';
import { DocumentStore } from './document-store.js';
import { exportListRoutes } from './export-list.js';
import { exportRoutes } from './export-requests.js';
import type { ObjectStore } from './object-store.js';
import { shareRoutes } from './share-routes.js';

export interface DocumentDeps {
  pool: pg.Pool;
  objects: ObjectStore;
  /** Verifies access tokens; in the cluster, against the Auth service's JWKS. */
  verifier: TokenVerifier;
  logger: Logger;
  settings?: DocumentSettings;
  topics?: DocumentTopics;
  environment?: 'production' | 'development' | 'test';
  metrics?: HttpMetrics;
  readiness?: Readiness;
}

/** Uploads: their bodies are the content, read as a stream by the route whatever the media type. */
const streamsBody = (req: Request) =>
  (req.method === 'POST' && req.path === '/v1/documents') ||
  (req.method === 'PUT' && /^\/v1\/documents\/[^/]+\/content$/.test(req.path));

/** Builds the Document service. */
export function createApp(deps: DocumentDeps): ServiceApp {
  const settings = deps.settings ?? defaultDocumentSettings();
  const topics = deps.topics ?? defaultTopics;
  const store = new DocumentStore(deps.pool, topics, settings.contentRetentionSeconds, deps.objects);
  const receiver = new ContentReceiver(deps.objects, deps.pool, settings);
  const app = createServiceApp({
    service: 'document',
    description: 'Documents: metadata in PostgreSQL, content in object storage, sharing and exports',
    logger: deps.logger,
    environment: deps.environment ?? 'production',
    bodyLimit: '16kb',
    streamsBody,
    authenticate: authenticate(deps.verifier),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
    routes: (r) => {
      documentRoutes({ pool: deps.pool, store, receiver })(r);
      contentRoutes({ store, objects: deps.objects, receiver, settings })(r);
      shareRoutes(store)(r);
      exportRoutes(deps.pool, topics, deps.objects.bucket)(r);
      exportListRoutes(deps.pool)(r);
    },
  });
  app.readiness.add('postgres', postgresCheck(deps.pool));
  app.readiness.add('s3', s3Check(deps.objects.s3, deps.objects.bucket));
  return app;
}
