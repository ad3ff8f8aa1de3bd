/**
 * The ops port: `/livez`, `/readyz` (ready only while every gating dependency answers and the
 * service is not draining) and `/metrics`, served by a bare node:http handler apart from the API.
 *
 * A check that does not gate readiness is still run and shown in /readyz (`degraded: why`), but a
 * failure leaves the pod ready: for a dependency the API answers without (a Kafka consumer behind a
 * search API), taking every replica out of its Service at once would turn a delay into an outage.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { servicePaths } from './service-env.js';

/** A dependency check: resolves when the dependency answers, rejects otherwise. */
export type ReadinessCheck = () => Promise<unknown>;

/** How a check counts: `gating: false` reports its failure without making the service unready. */
export interface ReadinessCheckOptions {
  gating?: boolean;
}

/** The service's readiness: its dependency checks and whether it is shutting down. */
export class Readiness {
  private readonly checks = new Map<string, { check: ReadinessCheck; gating: boolean }>();
  private draining = false;

  constructor(private readonly timeoutMs = 2000) {}

  /** Adds a named dependency check, run on every /readyz; it gates readiness unless `gating: false`. */
  add(name: string, check: ReadinessCheck, options: ReadinessCheckOptions = {}): this {
    this.checks.set(name, { check, gating: options.gating ?? true });
    return this;
  }

  /** Marks the service as shutting down: /readyz fails from now on. */
  drain(): void {
    this.draining = true;
  }

  /** Runs every check in parallel, each bounded by the timeout. */
  async evaluate(): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const results = await Promise.all(
      [...this.checks].map(async ([name, { check, gating }]) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) => {
              timer = setTimeout(
                () => reject(new Error(`no answer in ${this.timeoutMs} ms`)),
                this.timeoutMs,
              );
            }),
          ]);
          return [name, 'ok', true] as const;
        } catch (err) {
          const message = err instanceof Error ? err.message || err.name : String(err);
          return gating
            ? ([name, `failed: ${message}`, false] as const)
            : ([name, `degraded: ${message}`, true] as const);
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const checks: Record<string, string> = Object.fromEntries(results.map(([name, text]) => [name, text]));
    if (this.draining) checks.shutdown = 'draining';
    return { ready: !this.draining && results.every(([, , passes]) => passes), checks };
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

/** The request listener of the ops port. */
export function createOpsHandler(options: { readiness: Readiness; registry: Registry }): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain', 'Method not allowed\n');
      return;
    }
    if (path === servicePaths.liveness) {
      send(res, 200, 'text/plain', 'ok\n');
    } else if (path === servicePaths.readiness) {
      options.readiness.evaluate().then(
        ({ ready, checks }) =>
          send(res, ready ? 200 : 503, 'application/json', JSON.stringify({ ready, checks })),
        () => send(res, 503, 'application/json', '{"ready":false}'),
      );
    } else if (path === servicePaths.metrics) {
      options.registry.metrics().then(
        (text) => send(res, 200, options.registry.contentType, text),
        () => send(res, 500, 'text/plain', 'Metrics could not be collected\n'),
      );
    } else {
      send(res, 404, 'text/plain', 'Not found\n');
    }
  };
}
