/**
 * A tiny OpenTelemetry collector for the local platform: it accepts OTLP/HTTP with JSON bodies (what
 * the kit's @opentelemetry/exporter-trace-otlp-http sends to `<endpoint>/v1/traces`) and appends one
 * line per span to a JSON Lines file, so a trace can be followed with `grep <trace id>`, and answers
 * GET /v1/traces/<trace id> with that trace's spans. Protobuf bodies are refused with 415.
 *
 * Run: node dev/up/otlp-collector.ts --port 18001 --file .run/collector/spans.jsonl
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';

/** One span, flattened: what a person or a test needs to follow a trace. */
export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  service: string;
  startTime: string;
  durationMs: number;
  attributes: Record<string, unknown>;
  status?: number;
}

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
};
type KeyValue = { key: string; value?: AnyValue };

const anyValue = (v: AnyValue | undefined): unknown =>
  v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : (v?.boolValue ?? v?.doubleValue));
const attributes = (kvs: KeyValue[] | undefined) =>
  Object.fromEntries((kvs ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
/** OTLP/JSON ids are hex; base64 (the protobuf mapping) is converted, in case an SDK sends it. */
const hex = (id: string | undefined) =>
  !id ? undefined : /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex');

interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        startTimeUnixNano: string | number;
        endTimeUnixNano: string | number;
        attributes?: KeyValue[];
        status?: { code?: number };
      }[];
    }[];
  }[];
}

/** The spans of one OTLP/JSON export request. */
export function flattenSpans(request: ExportRequest): CollectedSpan[] {
  return (request.resourceSpans ?? []).flatMap((rs) => {
    const service = String(attributes(rs.resource?.attributes)['service.name'] ?? 'unknown');
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => {
        const start = BigInt(s.startTimeUnixNano);
        const parent = hex(s.parentSpanId);
        return {
          traceId: hex(s.traceId) ?? '',
          spanId: hex(s.spanId) ?? '',
          ...(parent ? { parentSpanId: parent } : {}),
          name: s.name,
          kind: s.kind,
          service,
          startTime: new Date(Number(start / 1_000_000n)).toISOString(),
          durationMs: Number(BigInt(s.endTimeUnixNano) - start) / 1e6,
          attributes: attributes(s.attributes),
          ...(s.status?.code ? { status: s.status.code } : {}),
        };
      }),
    );
  });
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

function main(): void {
  const { values } = parseArgs({ options: { port: { type: 'string' }, file: { type: 'string' } } });
  const file = values.file ?? 'spans.jsonl';
  const server = createServer(async (req, res) => {
    try {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        if (!String(req.headers['content-type'] ?? '').includes('json')) {
          res.writeHead(415).end('This collector accepts OTLP/HTTP JSON only');
          return;
        }
        const spans = flattenSpans(JSON.parse((await body(req)).toString('utf8')) as ExportRequest);
        if (spans.length > 0) appendFileSync(file, spans.map((s) => `${JSON.stringify(s)}\n`).join(''));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      const trace = /^\/v1\/traces\/([0-9a-f]{32})$/.exec(req.url ?? '');
      if (req.method === 'GET' && trace) {
        const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
        const spans = lines
          .filter((l) => l.includes(trace[1] as string))
          .map((l) => JSON.parse(l) as CollectedSpan);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ spans }));
        return;
      }
      if (req.url === '/healthz') {
        res.writeHead(200).end('ok\n');
        return;
      }
      res.writeHead(404).end();
    } catch (error) {
      res.writeHead(400).end(String(error));
    }
  });
  server.listen(Number(values.port ?? 4318), '127.0.0.1', () => console.log(`Collecting spans into ${file}`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

if (import.meta.main) main();
