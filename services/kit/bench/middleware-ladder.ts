/**
 * The per-request cost of the kit, as a ladder in one process: node:http, bare Express, then the
 * kit's app (request id, metrics, JSON log line, server span) with tracing off, sampled at 10% and
 * at 100% (batching, no exporter). Each server answers `{"hello":"world"}` on GET /hello.
 * Run: node --experimental-strip-types services/kit/bench/middleware-ladder.ts, then point a load
 * generator at the printed ports.
 */
import { createServer } from 'node:http';
import express from 'express';
import { createLogger, createServiceApp, startTracing } from '../dist/index.js';

const ratio = process.env.RATIO;
if (ratio !== undefined) startTracing({ service: 'bench', sampleRatio: Number(ratio) });

const body = JSON.stringify({ hello: 'world' });
const ports: Record<string, number> = { node: 7001, express: 7002, kit: 7003 };

createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
}).listen(ports.node);

const bare = express();
bare.get('/hello', (_req, res) => {
  res.json({ hello: 'world' });
});
bare.listen(ports.express);

// Logs go to /dev/null through pino's normal path, so their serialisation cost is counted.
const logger = createLogger(
  { service: 'bench' },
  (await import('pino')).pino.destination({ dest: '/dev/null', sync: false }),
);
const kit = createServiceApp({
  service: 'bench',
  logger,
  environment: 'production',
  routes: (r) =>
    r.route(
      {
        method: 'get',
        path: '/hello',
        operationId: 'hello',
        summary: 'Hello',
        authenticated: false,
        responses: { 200: { description: 'Hello' } },
      },
      async () => ({ status: 200, body: { hello: 'world' } }),
    ),
});
kit.api.listen(ports.kit);
console.log(JSON.stringify({ ports, tracingRatio: ratio ?? 'off' }));
process.once('SIGINT', () => process.exit(0));
