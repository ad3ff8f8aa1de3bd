/** Prometheus RED metrics for the HTTP API, plus the default process metrics, in one registry per app. */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface HttpMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route' | 'status'>;
  readonly inFlight: Gauge;
}

/**
 * Creates a registry with `http_server_requests_total`, `http_server_request_duration_seconds`,
 * `http_server_requests_in_flight` and the default process metrics, all labelled with the service.
 */
export function createHttpMetrics(service: string, options: { defaultMetrics?: boolean } = {}): HttpMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  return {
    registry,
    requests: new Counter({
      name: 'http_server_requests_total',
      help: 'HTTP requests answered, by method, route template and status code',
      labelNames,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Time from receiving an HTTP request to finishing its answer',
      labelNames,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'http_server_requests_in_flight',
      help: 'HTTP requests being served right now',
      registers: [registry],
    }),
  };
}
