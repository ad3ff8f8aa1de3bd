/**
 * The operator's plain-HTTP endpoints on node:http: `/healthz` (the process is alive and not
 * wedged), `/readyz` (caches synced, not shutting down) and `/metrics` (Prometheus text). Checks
 * answer in the Kubernetes style: `ok`, or one `[-]name failed: reason` line per failing check.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A named check: true when healthy, or a string saying what is wrong. */
export type Check = () => true | string;

export interface Endpoints {
  healthz?: Record<string, Check>;
  readyz?: Record<string, Check>;
  metrics?: Registry;
}

/** Splits `host:port` (`:8080` for every interface); undefined for `0`, which disables the server. */
export function parseBindAddress(address: string): { host: string | undefined; port: number } | undefined {
  if (address === '0') return undefined;
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon).replace(/^\[|\]$/g, '');
  return { host: host === '' ? undefined : host, port: Number(address.slice(colon + 1)) };
}

function runChecks(checks: Record<string, Check>): { ok: boolean; body: string } {
  const failures: string[] = [];
  for (const [name, check] of Object.entries(checks)) {
    let result: true | string;
    try {
      result = check();
    } catch (error) {
      result = error instanceof Error ? error.message : String(error);
    }
    if (result !== true) failures.push(`[-]${name} failed: ${result}`);
  }
  return failures.length === 0 ? { ok: true, body: 'ok\n' } : { ok: false, body: `${failures.join('\n')}\n` };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

/** An HTTP server for the given endpoints; 404 for anything else. */
export class ProbesServer {
  private readonly server: Server;

  constructor(endpoints: Endpoints) {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return send(res, 405, 'text/plain', 'Method not allowed\n');
      if (path === '/healthz' && endpoints.healthz) {
        const { ok, body } = runChecks(endpoints.healthz);
        return send(res, ok ? 200 : 500, 'text/plain', body);
      }
      if (path === '/readyz' && endpoints.readyz) {
        const { ok, body } = runChecks(endpoints.readyz);
        return send(res, ok ? 200 : 500, 'text/plain', body);
      }
      if (path === '/metrics' && endpoints.metrics) {
        const registry = endpoints.metrics;
        registry.metrics().then(
          (text) => send(res, 200, registry.contentType, text),
          () => send(res, 500, 'text/plain', 'Metrics could not be collected\n'),
        );
        return;
      }
      send(res, 404, 'text/plain', 'Not found\n');
    });
    this.server.keepAliveTimeout = 5_000;
  }

  /** Listens on `host:port`; resolves with the port actually bound (useful with port 0). */
  listen(address: { host: string | undefined; port: number }): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(address.port, address.host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
