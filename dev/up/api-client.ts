/**
 * How the scenario talks to the platform: through the gateway over plain HTTP, as any client would; and,
 * for notification and audit, which the catalogue keeps internal (no HTTPRoute), straight to the
 * service over mTLS with the gateway's certificate, checking the service's DNS name as nginx does.
 */
import { readFileSync } from 'node:fs';
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
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

/** The request headers and body of a call: JSON, raw bytes or none, with the bearer token. */
function requestParts(o: CallOptions): { headers: Record<string, string>; body?: Buffer | string } {
  const headers: Record<string, string> = { accept: 'application/json', ...o.headers };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  if (o.json !== undefined) {
    headers['content-type'] = 'application/json';
    return { headers, body: JSON.stringify(o.json) };
  }
  if (o.contentType) headers['content-type'] = o.contentType;
  return o.body === undefined ? { headers } : { headers, body: o.body };
}

/** Sends one request with `send` (http's or https's `request`) and reads the whole answer. */
function exchange<T>(
  send: (options: RequestOptions, callback: (res: IncomingMessage) => void) => ClientRequest,
  options: RequestOptions,
  o: CallOptions,
  what: string,
): Promise<ApiResponse<T>> {
  const { headers, body } = requestParts(o);
  return new Promise((resolve, reject) => {
    const req = send({ ...options, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const status = res.statusCode ?? 0;
        const ok = o.expect ? o.expect.includes(status) : status >= 200 && status < 300;
        if (!ok) {
          reject(new ApiError(status, what, bytes.toString('utf8')));
          return;
        }
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
        resolve(parsed<T>(status, h, bytes));
      });
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`${what}: timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A client of the gateway. `localAddress` is the loopback address its connections leave from: on one
 * machine every client is 127.0.0.1 unless it picks another (all of 127.0.0.0/8 is loopback), and the
 * gateway passes that address on in X-Forwarded-For as it would a remote client's.
 */
export class GatewayClient {
  readonly baseUrl: string;
  readonly localAddress: string | undefined;

  constructor(baseUrl: string, localAddress?: string) {
    this.baseUrl = baseUrl;
    this.localAddress = localAddress;
  }

  call<T = unknown>(method: string, path: string, o: CallOptions = {}): Promise<ApiResponse<T>> {
    const url = new URL(path, this.baseUrl);
    return exchange<T>(
      httpRequest,
      {
        host: url.hostname,
        port: url.port,
        method,
        path: `${url.pathname}${url.search}`,
        ...(this.localAddress ? { localAddress: this.localAddress } : {}),
      },
      o,
      `${method} ${path}`,
    );
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
    return exchange<T>(
      httpsRequest,
      { host: '127.0.0.1', port: this.port, servername: this.serverName, method, path, ...this.tls },
      o,
      `${method} ${path} (direct mTLS to ${this.serverName})`,
    );
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
