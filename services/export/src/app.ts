/**
 * `createApp`: the Export service's ops handlers. Export has no API of its own: requests arrive on
 * Kafka, and the status users see is Document's (it records the results Export publishes), so there
 * is one owner of an export's status. Progress is in `export_jobs` and the consumer metrics.
 */

import type { S3Client } from '@aws-sdk/client-s3';
import {
  createServiceApp,
  type HttpMetrics,
  postgresCheck,
  type Readiness,
  type ServiceApp,
  s3Check,
} from '@quire/kit';
import type pg from 'pg';
import type { Logger } from 'pino';

export interface ExportDeps {
  pool: pg.Pool;
  s3: S3Client;
  bucket: string;
  logger: Logger;
  environment?: 'production' | 'development' | 'test';
  metrics?: HttpMetrics;
  readiness?: Readiness;
}

/** Builds the Export service's (empty) API and its ops handler. */
export function createApp(deps: ExportDeps): ServiceApp {
  const app = createServiceApp({
    service: 'export',
    description: 'Builds ZIP exports of documents; driven by Kafka, no public API',
    logger: deps.logger,
    environment: deps.environment ?? 'production',
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
    routes: () => undefined,
  });
  app.readiness.add('postgres', postgresCheck(deps.pool));
  app.readiness.add('s3', s3Check(deps.s3, deps.bucket));
  return app;
}
