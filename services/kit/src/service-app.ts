/**
 * `createServiceApp`: the pieces every service's `createApp` shares, assembled in order: request
 * observation, JSON bodies with a size limit, the service's routes, `/openapi.json`, 404 and the
 * problem handler; plus the ops handler for the separate port. It never listens.
 */
import type { RequestListener } from 'node:http';
import express, { type Express, type Request, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ApiRouter } from './api-router.js';
import { createOpsHandler, Readiness } from './health.js';
import { unredactedChild } from './logger.js';
import { createHttpMetrics, type HttpMetrics } from './metrics.js';
import { ApiDescription } from './openapi.js';
import { notFoundHandler, problemHandler } from './problem-handler.js';
import { observeRequests } from './request-observer.js';
import { servicePaths } from './service-env.js';

export interface ServiceAppOptions {
  service: string;
  version?: string;
  description?: string;
  logger: Logger;
  /** `development` adds stack traces to 500 answers; nothing else does. */
  environment: 'production' | 'development' | 'test';
  /** Largest JSON body accepted (default 64 KiB); larger ones get 413. */
  bodyLimit?: string | number;
  /** Requests whose body the route reads as a stream (uploads of any media type); the JSON parser skips them. */
  streamsBody?: (req: Request) => boolean;
  /** Express `trust proxy`: which peers may set X-Forwarded-For (default: none). */
  trustProxy?: string | boolean;
  /** Bearer-token middleware for routes declared `authenticated`. */
  authenticate?: RequestHandler;
  readiness?: Readiness;
  metrics?: HttpMetrics;
  /** Declares the service's routes. */
  routes: (router: ApiRouter) => void;
}

export interface ServiceApp {
  /** The API: serve it on QUIRE_HTTP_PORT (or hand it to supertest). */
  api: Express;
  /** /livez, /readyz and /metrics: serve it on QUIRE_OPS_PORT. */
  ops: RequestListener;
  readiness: Readiness;
  metrics: HttpMetrics;
  description: ApiDescription;
}

/** Assembles a service's API and ops handlers from its routes. */
export function createServiceApp(options: ServiceAppOptions): ServiceApp {
  const metrics = options.metrics ?? createHttpMetrics(options.service);
  const readiness = options.readiness ?? new Readiness();
  const description = new ApiDescription({
    title: `Quire ${options.service} service`,
    version: options.version ?? '0.1.0',
    ...(options.description ? { description: options.description } : {}),
  });
  const router = new ApiRouter(description, options.authenticate);
  options.routes(router);

  const api = express();
  api.disable('x-powered-by');
  api.set('etag', false);
  api.set('trust proxy', options.trustProxy ?? false);
  api.use(observeRequests({ logger: unredactedChild(options.logger), metrics }));
  const json = express.json({
    limit: options.bodyLimit ?? '64kb',
    type: ['application/json', 'application/*+json'],
  });
  const streamsBody = options.streamsBody;
  api.use(streamsBody ? (req, res, next) => (streamsBody(req) ? next() : json(req, res, next)) : json);
  api.use(router.router);
  api.get(servicePaths.openapi, (_req, res) => {
    res.json(description.document());
  });
  api.use(notFoundHandler);
  api.use(problemHandler({ logger: options.logger, exposeStack: options.environment === 'development' }));

  return {
    api,
    ops: createOpsHandler({ readiness, registry: metrics.registry }),
    readiness,
    metrics,
    description,
  };
}
