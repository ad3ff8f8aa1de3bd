/**
 * Counts every request the operator sends to the API server, as client-go's
 * `rest_client_requests_total{code,method,host}` does, by wrapping the HTTP library that
 * client-node's generated `Configuration` sends through. Watches, lists, applies and the typed API
 * clients all go through it, so the counter sees everything. The same wrapper applies the
 * client-side rate limit (QPS and burst).
 */
import {
  type HttpLibrary,
  type RequestContext,
  type ResponseContext,
  wrapHttpLibrary,
} from '@kubernetes/client-node';
import type { RuntimeMetrics } from './metrics.js';
import type { TokenBucket } from './rate-limiter.js';

/**
 * No answer came back from the API server (connection refused or reset, TLS failure). undici
 * reports these as a TypeError, which would read as a programming error; this names them.
 */
export class TransportError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'TransportError';
  }
}

/**
 * Wraps `inner` so that each request waits for the rate limiter, then is counted by status code
 * (`<error>` when no answer came back, as client-go), method and host.
 */
export function instrumentHttpLibrary(
  inner: HttpLibrary,
  options: { metrics?: RuntimeMetrics | undefined; limiter?: TokenBucket | undefined },
): HttpLibrary {
  const { metrics, limiter } = options;
  return wrapHttpLibrary({
    async send(request: RequestContext): Promise<ResponseContext> {
      if (limiter) await limiter.take();
      const method = request.getHttpMethod();
      const host = new URL(request.getUrl()).host;
      const started = performance.now();
      try {
        const response = await inner.send(request).toPromise();
        metrics?.restRequests.inc({ code: String(response.httpStatusCode), method, host });
        return response;
      } catch (error) {
        metrics?.restRequests.inc({ code: '<error>', method, host });
        if (error instanceof Error && error.name === 'AbortError') throw error;
        throw new TransportError(
          `${method} ${host}: ${error instanceof Error ? error.message : String(error)}`,
          error,
        );
      } finally {
        metrics?.restRequestDuration.observe({ verb: method, host }, (performance.now() - started) / 1000);
      }
    },
  });
}

/** Sums `rest_client_requests_total` over the given methods (all when omitted), for tests and benchmarks. */
export async function countRequests(metrics: RuntimeMetrics, methods?: readonly string[]): Promise<number> {
  const { values } = await metrics.restRequests.get();
  return values
    .filter((v) => methods === undefined || methods.includes(String(v.labels.method)))
    .reduce((sum, v) => sum + v.value, 0);
}

/** The methods that change state on the server. */
export const writeMethods = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
