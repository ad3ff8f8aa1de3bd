/**
 * The user half's HTTP client: one base URL (the gateway, or a service), the stored session's bearer
 * token, renewed with the refresh token shortly before it expires and once more on a 401, and
 * problem+json answers turned into ServiceProblem errors. Plain http:// is allowed to loopback only,
 * so passwords and tokens never cross a network unencrypted.
 */
import { CliError, retryAfterSeconds, ServiceProblem, UsageError, unreachable } from '../errors.js';
import { type Credentials, loadCredentials, saveCredentials } from './credentials.js';
import { fetch } from './http.js';

/** The answer of Auth's login, sign-up and refresh. */
export interface TokenResponse {
  accountId: string;
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
}

const loopback = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The base URL: --server, else QUIRE_SERVER, else the one logged in to. */
export function resolveServer(option: string | undefined, saved = loadCredentials()): string {
  const raw = option ?? process.env.QUIRE_SERVER ?? saved?.server;
  if (!raw) {
    throw new UsageError(
      'No server to talk to',
      'Pass --server https://quire.example.com, set QUIRE_SERVER, or log in with quire login --server …',
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`"${raw}" is not a URL`, 'Write the server as https://host[:port]');
  }
  if (url.protocol === 'http:' && !loopback.has(url.hostname)) {
    throw new UsageError(
      `Refusing to send credentials over plain HTTP to ${url.host}`,
      `Use https://${url.host}`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`"${raw}" is not an http(s) URL`, 'Write the server as https://host[:port]');
  }
  return url.toString().replace(/\/$/, '');
}

export interface CallOptions {
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  headers?: Record<string, string>;
  /** A body made afresh for each attempt, since a stream cannot be sent twice. */
  body?: () => NonNullable<RequestInit['body']>;
  /** Send without a token (login, sign-up). */
  anonymous?: boolean;
}

/** Renewal this long before expiry, so a token never expires in flight. */
const renewMarginMs = 30_000;

export class ServiceClient {
  private credentials: Credentials | undefined;

  constructor(
    readonly server: string,
    credentials: Credentials | undefined = loadCredentials(),
  ) {
    // Tokens belong to the server that issued them.
    this.credentials = credentials?.server === server ? credentials : undefined;
  }

  /** The session, or an error telling the user to log in. */
  session(): Credentials {
    if (!this.credentials) {
      throw new CliError(
        `You are not logged in to ${this.server}`,
        `Log in: quire login --server ${this.server} --email <you@example.com>`,
      );
    }
    return this.credentials;
  }

  /** Sends a request and returns the response when it is 2xx; throws a ServiceProblem otherwise. */
  async send(method: string, path: string, options: CallOptions = {}): Promise<Response> {
    if (!options.anonymous && Date.parse(this.session().expiresAt) - Date.now() < renewMarginMs)
      await this.refresh();
    let response = await this.fetch(method, path, options);
    if (response.status === 401 && !options.anonymous) {
      await response.body?.cancel();
      await this.refresh();
      response = await this.fetch(method, path, options);
    }
    if (!response.ok) throw await problemOf(response);
    return response;
  }

  /** Sends a request and parses its JSON answer. */
  async json<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Exchanges the refresh token for new tokens and stores them. */
  async refresh(): Promise<void> {
    const current = this.session();
    const response = await this.fetch('POST', '/v1/auth/refresh', {
      anonymous: true,
      json: { refreshToken: current.refreshToken },
    });
    if (response.status === 401) {
      throw new CliError(
        'Your session has ended (the refresh token was refused)',
        `Log in again: quire login --server ${this.server}`,
      );
    }
    if (!response.ok) throw await problemOf(response);
    this.remember(current.email, (await response.json()) as TokenResponse);
  }

  /** Stores the tokens of a login, sign-up or refresh. */
  remember(email: string, tokens: TokenResponse): Credentials {
    this.credentials = {
      server: this.server,
      email,
      accountId: tokens.accountId,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: new Date(Date.now() + tokens.expiresIn * 1000).toISOString(),
    };
    saveCredentials(this.credentials);
    return this.credentials;
  }

  private async fetch(method: string, path: string, options: CallOptions): Promise<Response> {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(options.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (!options.anonymous) headers.authorization = `Bearer ${this.session().accessToken}`;
    let body: RequestInit['body'] = options.body?.();
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    try {
      // duplex: a streamed body (an upload) needs it; it is harmless for the others.
      return await fetch(url, { method, headers, body, duplex: 'half' } as RequestInit);
    } catch (error) {
      throw (
        unreachable(this.server, error, 'Check --server (or QUIRE_SERVER) and that the gateway is up') ??
        error
      );
    }
  }
}

/** The problem+json of a failed answer, or a problem made from its status, with its Retry-After. */
async function problemOf(response: Response): Promise<ServiceProblem> {
  const text = await response.text().catch(() => '');
  const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
  try {
    const p = JSON.parse(text) as {
      title?: string;
      detail?: string;
      errors?: { field?: string; message?: string }[];
    };
    return new ServiceProblem(
      response.status,
      p.title ?? response.statusText,
      p.detail ?? '',
      p.errors ?? [],
      retryAfter,
    );
  } catch {
    const detail =
      response.status === 404
        ? `${response.url} does not exist here: is --server the gateway?`
        : text.slice(0, 200);
    return new ServiceProblem(response.status, response.statusText || 'HTTP error', detail, [], retryAfter);
  }
}
