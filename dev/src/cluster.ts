import { randomBytes } from 'node:crypto';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  type V1Namespace,
} from '@kubernetes/client-node';
import { stackSetting } from './stack-env.js';

/** The clients a test needs for the local cluster, built once from its kubeconfig. */
export interface ClusterClients {
  readonly kubeConfig: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly custom: CustomObjectsApi;
  readonly objects: KubernetesObjectApi;
}

let cached: ClusterClients | undefined;

/** Clients for the local cluster that `make stack-up` started (KUBECONFIG from .run/env). */
export function clusterClients(): ClusterClients {
  if (cached) return cached;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(stackSetting('KUBECONFIG'));
  cached = {
    kubeConfig,
    core: kubeConfig.makeApiClient(CoreV1Api),
    apps: kubeConfig.makeApiClient(AppsV1Api),
    custom: kubeConfig.makeApiClient(CustomObjectsApi),
    objects: KubernetesObjectApi.makeApiClient(kubeConfig),
  };
  return cached;
}

export interface WaitOptions {
  /** Milliseconds before giving up; the failure names what was awaited and the last state seen. */
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/**
 * Polls `probe` until it returns something other than `undefined`, and returns that. On timeout it
 * throws an error naming `what` and the last value `describe` gave, so a failing test says what it saw.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: WaitOptions & { describe?: () => Promise<string> } = {},
): Promise<T> {
  const { timeoutMs = 60_000, intervalMs = 250 } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const seen = options.describe ? await options.describe().catch((e: unknown) => String(e)) : undefined;
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${seen ? `; last seen: ${seen}` : ''}${cause}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A namespace that exists for one test and is deleted by `dispose`. */
export interface TestNamespace {
  readonly name: string;
  dispose(): Promise<void>;
}

/**
 * Creates a uniquely named namespace (`<prefix>-<random>`) with the given labels and waits for its
 * default ServiceAccount, since pods cannot be admitted before it exists.
 */
export async function createTestNamespace(
  prefix: string,
  labels: Record<string, string> = {},
): Promise<TestNamespace> {
  const { core } = clusterClients();
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  const body: V1Namespace = { metadata: { name, labels: { 'platform.quire.dev/test': 'true', ...labels } } };
  await core.createNamespace({ body });
  await waitFor(`the default ServiceAccount in namespace ${name}`, async () =>
    core.readNamespacedServiceAccount({ name: 'default', namespace: name }).then(
      () => true,
      () => undefined,
    ),
  );
  return {
    name,
    async dispose() {
      await core.deleteNamespace({ name }).catch(() => undefined);
    },
  };
}

/** The HTTP status of a failed client-node call, or undefined for anything else. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number') {
    return error.code;
  }
  return undefined;
}

/** The `message` of the Kubernetes Status a failed client-node call carries, or its text. */
export function apiErrorMessage(error: unknown): string {
  const body = typeof error === 'object' && error !== null && 'body' in error ? error.body : undefined;
  if (typeof body === 'string') {
    try {
      const status = JSON.parse(body) as { message?: unknown };
      if (typeof status.message === 'string') return status.message;
    } catch {
      return body;
    }
    return body;
  }
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') {
    return body.message;
  }
  return error instanceof Error ? error.message : String(error);
}
