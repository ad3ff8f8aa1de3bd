/**
 * An HTTP proxy that lets the Elasticsearch JavaScript client talk to OpenSearch, for tests only.
 *
 * The local stack runs OpenSearch (Elasticsearch's modules are not on Maven Central, see
 * dev/stack/opensearch.sh), and the `@elastic/elasticsearch` client refuses it twice over: it sends
 * `application/vnd.elasticsearch+json; compatible-with=9`, which OpenSearch answers with 406, and
 * it rejects any answer without `X-Elastic-Product: Elasticsearch` (ProductNotSupportedError). This
 * proxy rewrites those media types to plain `application/json` / `application/x-ndjson` and adds
 * the product header to every answer; bodies pass through untouched. It proves the adapter's calls
 * against a real engine that speaks the same REST API; it does not prove anything an
 * Elasticsearch-only API would need (ES|QL, top-level knn, ...).
 *
 * Run it alone: node dev/stack/es-compat-proxy.ts --target http://127.0.0.1:19200 [--port 19201]
 * (Node strips the types itself); tests start it in-process with `startEsCompatProxy`.
 */
import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `application/vnd.elasticsearch+json; compatible-with=9` → `application/json` (and x-ndjson alike). */
export function plainMediaType(value: string): string {
  return value.replace(
    /application\/vnd\.elasticsearch\+(json|x-ndjson)\s*;\s*compatible-with=\d+/gi,
    'application/$1',
  );
}

function rewriteRequestHeaders(headers: IncomingHttpHeaders, host: string): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = { ...headers, host };
  for (const name of ['accept', 'content-type'] as const) {
    const v = out[name];
    if (typeof v === 'string') out[name] = plainMediaType(v);
  }
  return out;
}

export interface EsCompatProxy {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the proxy in front of `target` (an OpenSearch URL) on a loopback port (free by default). */
export async function startEsCompatProxy(options: { target: string; port?: number }): Promise<EsCompatProxy> {
  const target = new URL(options.target);
  const server = createServer((req, res) => {
    const upstream = request(
      {
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: rewriteRequestHeaders(req.headers, target.host),
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-elastic-product': 'Elasticsearch' });
        answer.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
      }
      res.end(JSON.stringify({ error: { type: 'proxy_error', reason: err.message } }));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (import.meta.main) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const target = arg('target') ?? process.env.QUIRE_SEARCH_URL ?? 'http://127.0.0.1:19200';
  const proxy = await startEsCompatProxy({ target, port: Number(arg('port') ?? 0) });
  console.log(`Elasticsearch-compatibility proxy on ${proxy.url} in front of ${target}`);
  process.once('SIGTERM', () => void proxy.close().then(() => process.exit(0)));
}
