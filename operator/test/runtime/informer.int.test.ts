import { createTestNamespace, type TestNamespace } from '@quire/dev';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/runtime/api-client.js';
import { Informer } from '../../src/runtime/informer.js';
import { createRuntimeMetrics, type RuntimeMetrics } from '../../src/runtime/metrics.js';
import { type KubeObject, kinds, resourcePath } from '../../src/runtime/resource-kind.js';
import { countedClient, managedLabels, sleep, until } from './fixtures/runtime-fixtures.js';
import { compactEtcd, TestApiServer } from './fixtures/test-apiserver.js';

const dataValue = (o: KubeObject | undefined) => (o?.data as Record<string, string> | undefined)?.value;

describe('an informer whose watch breaks', () => {
  // Writes go through the cluster's own apiserver; the informer watches through the test's.
  const { client } = countedClient();
  let ns: TestNamespace;
  let apiserver: TestApiServer;
  let informer: Informer | undefined;
  let metrics: RuntimeMetrics;

  beforeAll(async () => {
    ns = await createTestNamespace('runtime-inf');
    apiserver = await TestApiServer.start();
  });
  afterEach(async () => {
    apiserver.thaw();
    await informer?.stop();
    informer = undefined;
  });
  afterAll(async () => {
    await apiserver?.kill();
    await ns?.dispose();
  });

  const path = (name?: string) => resourcePath(kinds.configMap, { namespace: ns.name, name });
  const put = (name: string, value: string) =>
    client.request('PATCH', path(name), {
      query: { fieldManager: 'test', force: true },
      contentType: 'application/apply-patch+yaml',
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: ns.name, labels: managedLabels },
        data: { value },
      },
    });

  /** An informer on the test apiserver, recording the values its handlers saw. */
  async function watchThroughTestApiserver(options: { silenceTimeoutMs?: number } = {}) {
    metrics = createRuntimeMetrics();
    const seen: string[] = [];
    informer = new Informer({
      client: new ApiClient(apiserver.kubeConfig(), { metrics }),
      kind: kinds.configMap,
      namespace: ns.name,
      backoff: { initialMs: 200, maxMs: 2_000 },
      silenceTimeoutMs: options.silenceTimeoutMs ?? 60_000,
      metrics,
    });
    informer.addHandler({
      onAdd: (o) => seen.push(`add ${o.metadata.name}=${dataValue(o)}`),
      onUpdate: (_, o) => seen.push(`update ${o.metadata.name}=${dataValue(o)}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
    });
    informer.start();
    await informer.waitForSync();
    return { informer, seen };
  }

  const cached = (name: string) => informer?.cache.get({ namespace: ns.name, name });
  const sum = async (metric: 'watchRestarts' | 'relists') =>
    (await metrics[metric].get()).values.reduce((total, v) => total + v.value, 0);

  it('restarts a watch that went silent, without losing an update', async () => {
    await put('quiet', 'v1');
    const { seen } = await watchThroughTestApiserver({ silenceTimeoutMs: 2_000 });
    expect(dataValue(cached('quiet'))).toBe('v1');
    apiserver.freeze();
    await put('quiet', 'v2');
    await until(
      'the silent watch to be restarted',
      async () => (await metrics.watchRestarts.get()).values.some((v) => v.labels.reason === 'silent'),
      15_000,
    );
    apiserver.thaw();
    await until(
      'the informer to see the update made while the stream was silent',
      () => dataValue(cached('quiet')) === 'v2',
    );
    expect(seen).toContain('update quiet=v2');
  });

  it('relists after a 410 Gone following an etcd compaction, without losing an update', async () => {
    await put('compacted', 'v1');
    await put('removed', 'x');
    const { seen } = await watchThroughTestApiserver();
    const resourceVersionBefore = informer?.lastResourceVersion;
    await apiserver.kill();
    await put('compacted', 'v2');
    await put('added', 'y');
    await client.request('DELETE', path('removed'));
    const revision = await compactEtcd();
    expect(revision).toBeGreaterThan(Number(resourceVersionBefore));
    await apiserver.start();
    await until('the informer to relist', async () => (await sum('relists')) >= 1, 60_000);
    await until(
      'the informer to see every change made during the outage',
      () =>
        dataValue(cached('compacted')) === 'v2' &&
        cached('added') !== undefined &&
        cached('removed') === undefined,
    );
    expect(seen).toEqual(expect.arrayContaining(['update compacted=v2', 'add added=y', 'delete removed']));
    expect(await sum('watchRestarts')).toBeGreaterThanOrEqual(1);
    // Watching resumes: a later change arrives as a watch event.
    await put('compacted', 'v3');
    await until(
      'the watch to deliver a change after the relist',
      () => dataValue(cached('compacted')) === 'v3',
    );
  });

  it('recovers a watch broken by restarting the API server, without losing an update', async () => {
    await put('restarted', 'v1');
    const { seen } = await watchThroughTestApiserver();
    await apiserver.kill();
    await put('restarted', 'v2');
    await sleep(1_000);
    await apiserver.start();
    await until(
      'the informer to see the update made while the apiserver was down',
      () => dataValue(cached('restarted')) === 'v2',
      60_000,
    );
    expect(seen).toContain('update restarted=v2');
    expect(await sum('watchRestarts')).toBeGreaterThanOrEqual(1);
    await put('restarted', 'v3');
    await until('the informer to keep watching', () => dataValue(cached('restarted')) === 'v3');
  });
});
