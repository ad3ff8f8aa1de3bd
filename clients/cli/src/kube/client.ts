/**
 * The cluster half's connection: the kubeconfig as kubectl reads it (--kubeconfig, else KUBECONFIG,
 * else ~/.kube/config, else in-cluster), --context and -n, and JSON requests by REST path sent with
 * the context's credentials through client-node. client-node takes over a second to load, so it is
 * imported only when a cluster command runs, never for --help or the user half.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { CliError, KubeApiError, UsageError, unreachable } from '../errors.js';

/** The options every cluster command takes. */
export interface KubeOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

export type QueryValue = string | number | boolean | undefined;

export interface KubeRequest {
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Defaults to application/json; patches name theirs. */
  contentType?: string;
}

/** A connection to the API server of one kubeconfig context, in one namespace. */
export interface Kube {
  readonly context: string;
  readonly server: string;
  /** -n, else the context's namespace, else `default`, as kubectl chooses. */
  readonly namespace: string;
  request<T>(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    path: string,
    req?: KubeRequest,
  ): Promise<T>;
}

function loadConfig(client: typeof import('@kubernetes/client-node'), options: KubeOptions): KubeConfig {
  const config = new client.KubeConfig();
  if (options.kubeconfig) {
    if (!existsSync(options.kubeconfig)) {
      throw new UsageError(
        `The kubeconfig ${options.kubeconfig} does not exist`,
        'Pass an existing file to --kubeconfig',
      );
    }
    config.loadFromFile(options.kubeconfig);
  } else if (
    process.env.KUBECONFIG ||
    existsSync(join(homedir(), '.kube', 'config')) ||
    process.env.KUBERNETES_SERVICE_HOST
  ) {
    config.loadFromDefault();
  } else {
    throw new CliError(
      'Found no kubeconfig: KUBECONFIG is unset and ~/.kube/config does not exist',
      'Point KUBECONFIG or --kubeconfig at your cluster’s kubeconfig',
    );
  }
  if (options.context) {
    if (!config.getContextObject(options.context)) {
      const known = config.getContexts().map((c) => c.name);
      throw new UsageError(
        `The kubeconfig has no context ${options.context}`,
        `Use one of: ${known.join(', ') || '(none)'}`,
      );
    }
    config.setCurrentContext(options.context);
  }
  return config;
}

interface ApiStatus {
  message?: string;
  reason?: string;
}

/** Connects to the cluster the options name; throws a CliError that says how to fix a bad kubeconfig. */
export async function connectKube(options: KubeOptions): Promise<Kube> {
  const client = await import('@kubernetes/client-node');
  const config = loadConfig(client, options);
  const context = config.getCurrentContext();
  const cluster = config.getCurrentCluster();
  if (!cluster) {
    throw new CliError(
      `The kubeconfig context ${context || '(none)'} names no cluster`,
      'Pick a context with --context',
    );
  }
  const server = cluster.server.replace(/\/$/, '');
  const namespace = options.namespace || config.getContextObject(context)?.namespace || 'default';
  const http = new client.IsomorphicFetchHttpLibrary();

  return {
    context,
    server,
    namespace,
    async request<T>(method: string, path: string, req: KubeRequest = {}): Promise<T> {
      const url = new URL(server + path);
      for (const [name, value] of Object.entries(req.query ?? {})) {
        if (value !== undefined) url.searchParams.set(name, String(value));
      }
      const ctx = new client.RequestContext(url.toString(), method as never);
      ctx.setHeaderParam('Accept', 'application/json');
      ctx.setHeaderParam('User-Agent', 'quire-cli');
      if (req.body !== undefined) {
        ctx.setHeaderParam('Content-Type', req.contentType ?? 'application/json');
        ctx.setBody(JSON.stringify(req.body));
      }
      let text: string;
      let code: number;
      try {
        await config.applySecurityAuthentication(ctx);
        const response = await http.send(ctx).toPromise();
        code = response.httpStatusCode;
        text = await response.body.text();
      } catch (error) {
        throw (
          unreachable(
            `the API server ${server} (context ${context})`,
            error,
            'Check that the cluster is running and that --context names the right one',
          ) ?? error
        );
      }
      if (code < 200 || code > 299) throw apiError(code, text, `${method} ${path}`, context);
      return (text === '' ? undefined : JSON.parse(text)) as T;
    },
  };
}

function apiError(code: number, text: string, what: string, context: string): Error {
  let status: ApiStatus = {};
  try {
    status = JSON.parse(text) as ApiStatus;
  } catch {
    status = { message: text.slice(0, 300) };
  }
  const message = status.message || `${what}: HTTP ${code}`;
  if (code === 401) {
    return new CliError(
      `The API server did not accept the credentials of context ${context}: ${message}`,
      'Refresh your kubeconfig credentials (log in to the cluster again)',
    );
  }
  if (code === 403) {
    return new CliError(`Forbidden: ${message}`, 'Ask a cluster admin for RBAC access to this resource');
  }
  return new KubeApiError(code, status.reason ?? '', message);
}
