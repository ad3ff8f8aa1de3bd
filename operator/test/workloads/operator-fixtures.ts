/**
 * What the workload end-to-end tests share: the local cluster, the Platform CRD installed the way
 * the API tests install it, an operator started in-process and scoped to the test's namespace (with
 * its own metrics, so a test can count the writes it sends), kubectl, and polling helpers.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { createTestNamespace, stackSetting, type TestNamespace, waitFor } from '@quire/dev';
import { defaultTopicSpecs, platformCrd } from '../../src/api/index.js';
import { type Operator, startOperator } from '../../src/reconcile/platform-operator.js';
import { platformKind } from '../../src/render/kinds.js';
import { ApiClient, isNotFound } from '../../src/runtime/api-client.js';
import { findCondition } from '../../src/runtime/conditions.js';
import { parseConfig } from '../../src/runtime/config.js';
import { createLogger, silentLogger } from '../../src/runtime/logger.js';
import { createRuntimeMetrics, type RuntimeMetrics } from '../../src/runtime/metrics.js';
import { type KubeObject, kinds, type ResourceKind, resourcePath } from '../../src/runtime/resource-kind.js';
import { countRequests, writeMethods } from '../../src/runtime/rest-client-metrics.js';
import type { Status } from '../../src/runtime/status-writer.js';
import { type Manifest, sampleManifest } from './sample-platforms.js';

const run = promisify(execFile);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function kubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(stackSetting('KUBECONFIG'));
  return config;
}

/** A client for the tests' own requests (not counted with the operator's). */
export const client = new ApiClient(kubeConfig());

/** Runs the cluster's kubectl against the local cluster. */
export async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(
    stackSetting('QUIRE_KUBECTL'),
    ['--kubeconfig', stackSetting('KUBECONFIG'), ...args],
    {
      timeout: 180_000,
    },
  );
  return stdout;
}

/** Installs the Platform CRD by server-side apply, with the field manager the API tests use. */
export async function ensurePlatformCrd(): Promise<void> {
  const crd = platformCrd() as KubeObject;
  const name = crd.metadata.name ?? '';
  await client.request('PATCH', resourcePath(kinds.customResourceDefinition, { name }), {
    query: { fieldManager: 'quire-tests', force: true },
    contentType: 'application/apply-patch+yaml',
    body: crd,
  });
  await waitFor(`the ${name} CRD to be established`, async () => {
    const live = await client.request<KubeObject>(
      'GET',
      resourcePath(kinds.customResourceDefinition, { name }),
    );
    return (live.status as Status | undefined)?.conditions?.some(
      (c) => c.type === 'Established' && c.status === 'True',
    )
      ? true
      : undefined;
  });
}

/** The operator, in-process, watching one namespace; logs go nowhere unless QUIRE_TEST_LOG names a level. */
export async function startTestOperator(namespace: string): Promise<Operator & { metrics: RuntimeMetrics }> {
  const level = process.env.QUIRE_TEST_LOG as 'debug' | 'info' | undefined;
  const metrics = createRuntimeMetrics();
  const config = parseConfig({
    QUIRE_WATCH_NAMESPACES: namespace,
    QUIRE_LEADER_ELECT: 'false',
    QUIRE_METRICS_BIND_ADDRESS: '127.0.0.1:0',
    QUIRE_HEALTH_PROBE_BIND_ADDRESS: '127.0.0.1:0',
    QUIRE_SHUTDOWN_TIMEOUT_SECONDS: '5',
  });
  const operator = await startOperator({
    config,
    kubeConfig: kubeConfig(),
    logger: level ? createLogger({ level }) : silentLogger,
    metrics,
  });
  return { ...operator, metrics };
}

/** A test file's own namespace and the operator watching it; `close` stops the operator, then deletes it. */
export interface OperatedNamespace {
  readonly ns: TestNamespace;
  readonly operator: Awaited<ReturnType<typeof startTestOperator>>;
  close(): Promise<void>;
}

/**
 * Where each workload test file starts: the Platform CRD, a namespace enforcing the `restricted` Pod
 * Security level (the operator's pods must pass it), the sample Secrets, and an operator watching it.
 */
export async function operatedNamespace(prefix: string): Promise<OperatedNamespace> {
  await ensurePlatformCrd();
  const ns = await createTestNamespace(prefix, { 'pod-security.kubernetes.io/enforce': 'restricted' });
  await createSampleSecrets(ns.name);
  const operator = await startTestOperator(ns.name);
  return {
    ns,
    operator,
    close: async () => {
      await stopTestOperator(operator, ns.name);
      await ns.dispose();
    },
  };
}

/** Writes (POST, PUT, PATCH, DELETE) the operator has sent so far. */
export const writesBy = (metrics: RuntimeMetrics) => countRequests(metrics, writeMethods);

/** Waits until the operator has nothing queued or in flight and has sent no write for `quietMs`. */
export async function settled(
  operator: Operator & { metrics: RuntimeMetrics },
  quietMs = 1500,
): Promise<number> {
  let last = await writesBy(operator.metrics);
  let since = Date.now();
  return waitFor(
    'the operator to settle',
    async () => {
      await operator.manager.events.flush();
      const now = await writesBy(operator.metrics);
      const idle = operator.controller.queue.len() === 0 && operator.controller.queue.inFlight() === 0;
      if (now !== last || !idle) {
        last = now;
        since = Date.now();
        return undefined;
      }
      return Date.now() - since >= quietMs ? now : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
}

/** Stops the operator after deleting the namespace's Platforms, so their finalizers are released first. */
export async function stopTestOperator(
  operator: Operator | undefined,
  namespace: string | undefined,
): Promise<void> {
  if (operator && namespace) {
    const platforms = await listObjects(platformKind, namespace);
    for (const p of platforms) {
      await client
        .request('DELETE', resourcePath(platformKind, { namespace, name: p.metadata.name }))
        .catch(() => undefined);
    }
    await waitFor(
      `the Platforms in ${namespace} to be deleted`,
      async () => ((await listObjects(platformKind, namespace)).length === 0 ? true : undefined),
      { timeoutMs: 60_000 },
    );
  }
  await operator?.manager.stop();
}

const localPostgres = () => new URL(stackSetting('QUIRE_POSTGRES_URL'));

/**
 * Points a sample at the local stack, so the topics and schemas phases reach a real Kafka and
 * PostgreSQL: the stack's broker (one node, so replication factor 1), its PostgreSQL without TLS, and
 * the Delete policy, so a test's topics and schemas go with its Platform.
 */
export function onLocalStack(manifest: Manifest): void {
  const pg = localPostgres();
  manifest.spec.kafka = {
    ...manifest.spec.kafka,
    bootstrapServers: stackSetting('QUIRE_KAFKA_BROKERS').split(','),
    topics: defaultTopicSpecs().map((t) => ({
      ...t,
      replicationFactor: 1,
      config: { ...t.config, 'min.insync.replicas': '1' },
    })),
  };
  manifest.spec.postgres = {
    ...manifest.spec.postgres,
    host: pg.hostname,
    port: Number(pg.port),
    database: pg.pathname.slice(1),
    sslMode: 'disable',
  };
  manifest.spec.deletionPolicy = { topics: 'Delete', schemas: 'Delete' };
}

/** The Secrets the minimal sample references: the local stack's PostgreSQL superuser, throwaway storage keys. */
export async function createSampleSecrets(namespace: string): Promise<void> {
  const pg = localPostgres();
  const secrets = {
    'quire-postgres-admin': {
      username: decodeURIComponent(pg.username),
      password: decodeURIComponent(pg.password),
    },
    'quire-object-storage': { 'access-key-id': 'test-access-key', 'secret-access-key': 'test-secret-key' },
  };
  for (const [name, stringData] of Object.entries(secrets)) {
    await client.request('POST', resourcePath(kinds.secret, { namespace }), {
      body: { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, stringData },
    });
  }
}

/** Applies a Platform manifest (the minimal sample by default) as `kubectl apply --server-side` would. */
export async function applyPlatform(
  namespace: string,
  edit: (m: Manifest) => void = () => {},
): Promise<KubeObject> {
  const manifest = sampleManifest('platform-minimal');
  manifest.metadata = { ...manifest.metadata, namespace };
  onLocalStack(manifest);
  edit(manifest);
  return client.request<KubeObject>(
    'PATCH',
    resourcePath(platformKind, { namespace, name: manifest.metadata.name }),
    {
      query: { fieldManager: 'quire-tests', force: true, fieldValidation: 'Strict' },
      contentType: 'application/apply-patch+yaml',
      body: manifest,
    },
  );
}

/** Merge-patches a Platform's spec. */
export async function patchPlatformSpec(
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
): Promise<KubeObject> {
  return client.request<KubeObject>('PATCH', resourcePath(platformKind, { namespace, name }), {
    body: { spec },
    contentType: 'application/merge-patch+json',
  });
}

export async function getObject(
  kind: ResourceKind,
  namespace: string,
  name: string,
): Promise<KubeObject | undefined> {
  try {
    return await client.request<KubeObject>('GET', resourcePath(kind, { namespace, name }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function listObjects(
  kind: ResourceKind,
  namespace: string | undefined,
  labelSelector?: string,
): Promise<KubeObject[]> {
  const list = await client.request<{ items: KubeObject[] }>('GET', resourcePath(kind, { namespace }), {
    query: { labelSelector },
  });
  return list.items;
}

/** Waits until a condition of the Platform has `status`, and returns the Platform. */
export async function waitForCondition(
  namespace: string,
  name: string,
  type: string,
  status: 'True' | 'False',
  options: { timeoutMs?: number; match?: (p: KubeObject) => boolean } = {},
): Promise<KubeObject> {
  let last: KubeObject | undefined;
  return waitFor(
    `condition ${type}=${status} on Platform ${namespace}/${name}`,
    async () => {
      last = await getObject(platformKind, namespace, name);
      const condition = findCondition((last?.status as Status | undefined)?.conditions, type);
      return last && condition?.status === status && (options.match?.(last) ?? true) ? last : undefined;
    },
    {
      timeoutMs: options.timeoutMs ?? 90_000,
      intervalMs: 200,
      describe: async () => JSON.stringify((last?.status as Status | undefined)?.conditions ?? 'no status'),
    },
  );
}
