/**
 * One lean middleware per request for the three signals: a request id, a server span continuing the
 * caller's W3C trace context, RED metrics and one JSON log line. Only method, route, path, status
 * and duration are logged: never headers, query strings or bodies, which may hold tokens.
 */
import { randomUUID } from 'node:crypto';
import {
  context,
  INVALID_TRACEID as invalidTraceId,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { HttpMetrics } from './metrics.js';
import { extractTraceContext, tracer } from './tracing.js';

const requestIdPattern = /^[\w.:-]{1,128}$/;

/** The route template that matched (`/v1/users/:id`), keeping metric labels low-cardinality. */
function routeOf(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? req.baseUrl + path : 'unmatched';
}

/** Creates the observer middleware; install it first. */
export function observeRequests(options: { logger: Logger; metrics: HttpMetrics }): RequestHandler {
  const { logger, metrics } = options;
  const t = tracer();
  return (req, res, next) => {
    const start = performance.now();
    const incoming = req.headers['x-request-id'];
    const requestId =
      typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    metrics.inFlight.inc();

    const parent = extractTraceContext(req.headers);
    const span = t.startSpan(
      req.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } },
      parent,
    );

    res.once('close', () => {
      const seconds = (performance.now() - start) / 1000;
      const route = routeOf(req);
      const status = res.writableFinished ? res.statusCode : 499;
      const labels = { method: req.method, route, status: String(status) };
      metrics.inFlight.dec();
      metrics.requests.inc(labels);
      metrics.duration.observe(labels, seconds);
      span.updateName(`${req.method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      const traceId = span.spanContext().traceId;
      const line = {
        requestId,
        ...(traceId === invalidTraceId ? {} : { traceId }),
        method: req.method,
        route,
        path: req.path,
        status,
        durationMs: Math.round(seconds * 10_000) / 10,
      };
      if (status >= 500) logger.warn(line, 'Served request');
      else logger.info(line, 'Served request');
    });

    context.with(trace.setSpan(parent, span), next);
  };
}
