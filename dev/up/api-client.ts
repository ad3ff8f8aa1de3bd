/**
 * How the scenario talks to the platform: through the gateway with fetch, as any client would; and,
 * for notification and audit, which the catalogue keeps internal (no HTTPRoute), straight to the
 * service over mTLS with the gateway's certificate, checking the service's DNS name as nginx does.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly bytes: Buffer;
}

/** Thrown for an unexpected status; the message carries the problem+json detail. */
export class ApiError extends Error {
  readonly status: number;
  readonly text: string;

  constructor(status: number, what: string, text: string) {
    super(`${what}: HTTP ${status} ${text.slice(0, 300)}`);
    this.status = status;
    this.text = text;
  }
}

async function parsed<T>(status: number, headers: Headers, bytes: Buffer): Promise<ApiResponse<T>> {
  const type = headers.get('content-type') ?? '';
  const body = (
    type.includes('json') && bytes.length > 0 ? JSON.parse(bytes.toString('utf8')) : undefined
  ) as T;
  return { status, headers, body, bytes };
}

export interface CallOptions {
  token?: string;
  json?: unknown;
  body?: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** Statuses that are not errors (default: 2xx). */
  expect?: readonly number[];
}

/** A client of the gateway. */
export class GatewayClient {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async call<T = unknown>(method: string, path: string, o: CallOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: Buffer | string | undefined = o.body;
    if (o.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.json);
    } else if (o.contentType) headers['content-type'] = o.contentType;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(30_000),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const ok = o.expect ? o.expect.includes(response.status) : response.ok;
    if (!ok) throw new ApiError(response.status, `${method} ${path}`, bytes.toString('utf8'));
    return parsed<T>(response.status, response.headers, bytes);
  }
}

/** A client of one internal service's API port, presenting the gateway's certificate. */
export class MeshClient {
  private readonly tls: { cert: Buffer; key: Buffer; ca: Buffer };
  private readonly port: number;
  /** The DNS name in the service's certificate, e.g. quire-audit.quire-local.svc. */
  private readonly serverName: string;

  constructor(tlsDir: string, port: number, serverName: string) {
    const read = (f: string) => readFileSync(join(tlsDir, f));
    this.tls = { cert: read('tls.crt'), key: read('tls.key'), ca: read('ca.crt') };
    this.port = port;
    this.serverName = serverName;
  }

  call<T = unknown>(method: string, path: string, o: CallOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          servername: this.serverName,
          method,
          path,
          headers,
          agent: false,
          ...this.tls,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const bytes = Buffer.concat(chunks);
            const status = res.statusCode ?? 0;
            const ok = o.expect ? o.expect.includes(status) : status >= 200 && status < 300;
            if (!ok) {
              reject(
                new ApiError(
                  status,
                  `${method} ${path} (direct mTLS to ${this.serverName})`,
                  bytes.toString('utf8'),
                ),
              );
              return;
            }
            const h = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
            resolve(parsed<T>(status, h, bytes));
          });
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      req.end();
    });
  }
}

/** Polls `probe` until it returns a value; throws `what` with the last error when time runs out. */
export async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const cause = last instanceof Error ? `; last error: ${last.message}` : '';
      throw new Error(`${what}: nothing after ${timeoutMs / 1000}s${cause}`);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
