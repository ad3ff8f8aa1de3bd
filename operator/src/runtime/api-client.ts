/**
 * The one way the runtime talks to the API server: JSON requests and watch streams by REST path,
 * generic over kinds, sent through client-node's HTTP library wrapped with the request counter and
 * the client-side rate limit. Typed client-node API classes can be made over the same wiring.
 */
import {
  type Configuration,
  createConfiguration,
  type HttpLibrary,
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  RequestContext,
  ServerConfiguration,
} from '@kubernetes/client-node';
import type { RuntimeMetrics } from './metrics.js';
import { TokenBucket } from './rate-limiter.js';
import { instrumentHttpLibrary } from './rest-client-metrics.js';

/** The Status object the API server answers failures with. */
export interface ApiStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
}

/** A failed API call: the HTTP status code and the API's reason (NotFound, Conflict, Expired...). */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly status: ApiStatus | undefined;

  constructor(code: number, status: ApiStatus | undefined, fallback: string) {
    super(status?.message ?? fallback);
    this.name = 'ApiError';
    this.code = code;
    this.reason = status?.reason ?? '';
    this.status = status;
  }
}

export const isNotFound = (error: unknown): boolean => error instanceof ApiError && error.code === 404;
export const isConflict = (error: unknown): boolean => error instanceof ApiError && error.code === 409;
export const isGone = (error: unknown): boolean => error instanceof ApiError && error.code === 410;

export type QueryValue = string | number | boolean | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Defaults to application/json; patches name their type here. */
  contentType?: string;
  signal?: AbortSignal;
}

export interface ApiClientOptions {
  metrics?: RuntimeMetrics | undefined;
  /** Client-side requests per second; 0 or less disables the limit. */
  qps?: number;
  burst?: number;
  userAgent?: string;
}

export const patchTypes = {
  apply: 'application/apply-patch+yaml',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
} as const;

export class ApiClient {
  readonly kubeConfig: KubeConfig;
  readonly server: string;
  private readonly http: HttpLibrary;
  private readonly userAgent: string;
  private dispatcher: ReturnType<RequestContext['getDispatcher']>;

  constructor(kubeConfig: KubeConfig, options: ApiClientOptions = {}) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('The kubeconfig has no current cluster');
    this.kubeConfig = kubeConfig;
    this.server = cluster.server.replace(/\/$/, '');
    this.userAgent = options.userAgent ?? 'quire-operator';
    const limiter =
      options.qps !== undefined && options.qps > 0
        ? new TokenBucket({ qps: options.qps, burst: options.burst ?? Math.ceil(options.qps * 1.5) })
        : undefined;
    this.http = instrumentHttpLibrary(new IsomorphicFetchHttpLibrary(), {
      metrics: options.metrics,
      limiter,
    });
  }

  /** Sends a JSON request and parses the answer; throws ApiError for any status outside 2xx. */
  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const context = await this.context(method, path, options);
    if (options.body !== undefined) {
      context.setHeaderParam('Content-Type', options.contentType ?? 'application/json');
      context.setBody(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
    }
    const response = await this.http.send(context).toPromise();
    const text = await response.body.text();
    if (response.httpStatusCode < 200 || response.httpStatusCode > 299) {
      throw new ApiError(
        response.httpStatusCode,
        parseStatus(text),
        `${method} ${path}: HTTP ${response.httpStatusCode}`,
      );
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** Opens a streaming GET (a watch); throws ApiError unless the server answers 200. */
  async stream(
    path: string,
    query: Record<string, QueryValue>,
    signal: AbortSignal,
  ): Promise<ReadableStream<Uint8Array>> {
    const context = await this.context(HttpMethod.GET, path, { query, signal });
    const response = await this.http.send(context).toPromise();
    if (response.httpStatusCode !== 200) {
      const text = await response.body.text().catch(() => '');
      throw new ApiError(
        response.httpStatusCode,
        parseStatus(text),
        `GET ${path}: HTTP ${response.httpStatusCode}`,
      );
    }
    const body = response.body.stream();
    if (!body) throw new Error(`GET ${path}: the answer has no body`);
    return body;
  }

  /** A typed client-node API class (CoreV1Api, AppsV1Api...) that sends through the same counted wiring. */
  makeApiClient<T>(api: new (configuration: Configuration) => T): T {
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(this.server, {}),
      httpApi: this.http,
      authMethods: {
        default: { getName: () => 'quire-runtime', applySecurityAuthentication: (c) => this.authenticate(c) },
      },
    });
    return new api(configuration);
  }

  private async context(method: HttpMethod, path: string, options: RequestOptions): Promise<RequestContext> {
    const url = new URL(this.server + path);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const context = new RequestContext(url.toString(), method);
    context.setHeaderParam('Accept', 'application/json');
    if (options.signal) context.setSignal(options.signal);
    await this.authenticate(context);
    return context;
  }

  /**
   * Applies the kubeconfig's credentials. client-node builds a new connection pool for every request;
   * the first one is kept and reused, so requests share keep-alive connections (TLS material is read
   * once; bearer tokens are still refreshed on every request, since they travel in a header).
   */
  private async authenticate(context: RequestContext): Promise<void> {
    context.setHeaderParam('User-Agent', this.userAgent);
    await this.kubeConfig.applySecurityAuthentication(context);
    if (this.dispatcher === undefined) this.dispatcher = context.getDispatcher();
    else context.setDispatcher(this.dispatcher);
  }
}

function parseStatus(text: string): ApiStatus | undefined {
  try {
    const parsed = JSON.parse(text) as ApiStatus;
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return text ? { message: text.slice(0, 500) } : undefined;
  }
}
