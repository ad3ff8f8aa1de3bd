import { randomBytes } from 'node:crypto';
import { createTestNamespace, type TestNamespace } from '@quire/dev';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CrdMissingError } from '../../src/runtime/crd-check.js';
import type { Manager } from '../../src/runtime/manager.js';
import { kinds, resourcePath } from '../../src/runtime/resource-kind.js';
import {
  countedClient,
  ensureGadgetCrd,
  gadgetKind,
  managedLabels,
  sleep,
  testManager,
  until,
} from './fixtures/runtime-fixtures.js';

/** Parses Prometheus text into `name{labels}` → value. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match) samples.set(`${match[1]}${match[2] ?? ''}`, Number(match[3]));
  }
  return samples;
}

describe('the manager', () => {
  const { client } = countedClient();
  let ns: TestNamespace;
  let manager: Manager | undefined;

  beforeAll(async () => {
    await ensureGadgetCrd(client);
    ns = await createTestNamespace('runtime-mgr');
  });
  afterEach(async () => {
    await manager?.stop();
    manager = undefined;
  });
  afterAll(async () => {
    await ns?.dispose();
  });

  const create = (name: string) =>
    client.request('POST', resourcePath(kinds.configMap, { namespace: ns.name }), {
      body: { metadata: { name, namespace: ns.name, labels: managedLabels }, data: { value: name } },
    });

  it('exposes on /metrics the names and labels of controller-runtime, with sensible values', async () => {
    const lease = `runtime-metrics-${randomBytes(3).toString('hex')}`;
    let reconciled = 0;
    manager = testManager({
      env: {
        QUIRE_WATCH_NAMESPACES: ns.name,
        QUIRE_WORKERS: '3',
        QUIRE_LEADER_ELECT: 'true',
        QUIRE_LEADER_ELECTION_NAMESPACE: ns.name,
        QUIRE_LEADER_ELECTION_ID: lease,
      },
    });
    manager.addController({
      name: 'configmap',
      for: kinds.configMap,
      reconcile: async () => {
        reconciled += 1;
        return undefined;
      },
    });
    await manager.start();
    await until('this replica to lead', () => manager?.isLeading() === true);
    await Promise.all(Array.from({ length: 5 }, (_, i) => create(`metrics-${i}`)));
    await until('five reconciles', () => reconciled >= 5);
    await sleep(100);
    const response = await fetch(`http://127.0.0.1:${manager.metricsPort}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const m = parseMetrics(await response.text());
    const c = 'controller="configmap"';
    const q = 'name="configmap",controller="configmap"';
    expect(m.get(`controller_runtime_reconcile_total{${c},result="success"}`)).toBeGreaterThanOrEqual(5);
    expect(m.get(`controller_runtime_reconcile_total{${c},result="error"}`)).toBe(0);
    expect(m.get(`controller_runtime_reconcile_errors_total{${c}}`)).toBe(0);
    expect(m.get(`controller_runtime_reconcile_time_seconds_count{${c}}`)).toBeGreaterThanOrEqual(5);
    expect(m.get(`controller_runtime_reconcile_time_seconds_bucket{le="60",${c}}`)).toBeGreaterThanOrEqual(5);
    expect(m.get(`controller_runtime_active_workers{${c}}`)).toBe(0);
    expect(m.get(`controller_runtime_max_concurrent_reconciles{${c}}`)).toBe(3);
    expect(m.get(`workqueue_depth{${q}}`)).toBe(0);
    expect(m.get(`workqueue_adds_total{${q}}`)).toBeGreaterThanOrEqual(5);
    expect(m.get(`workqueue_queue_duration_seconds_count{${q}}`)).toBeGreaterThanOrEqual(5);
    expect(m.get(`workqueue_work_duration_seconds_count{${q}}`)).toBeGreaterThanOrEqual(5);
    expect(m.get(`workqueue_retries_total{${q}}`) ?? 0).toBe(0);
    expect(m.get(`workqueue_unfinished_work_seconds{${q}}`)).toBe(0);
    expect(m.get(`leader_election_master_status{name="${lease}"}`)).toBe(1);
    const host = new URL(manager.client.server).host;
    // The list and watch of ConfigMaps and the lease reads are GETs; creating the lease is a POST.
    expect(
      m.get(`rest_client_requests_total{code="200",method="GET",host="${host}"}`),
    ).toBeGreaterThanOrEqual(2);
    expect(
      m.get(`rest_client_requests_total{code="201",method="POST",host="${host}"}`),
    ).toBeGreaterThanOrEqual(1);
  });

  it('answers /healthz and /readyz with ok once the caches synced, and 404 for anything else', async () => {
    manager = testManager({ env: { QUIRE_WATCH_NAMESPACES: ns.name } });
    manager.addController({ name: 'configmap', for: kinds.configMap, reconcile: async () => undefined });
    await manager.start();
    const probe = (path: string) => fetch(`http://127.0.0.1:${manager?.probePort}${path}`);
    const healthz = await probe('/healthz');
    expect([healthz.status, await healthz.text()]).toEqual([200, 'ok\n']);
    const readyz = await probe('/readyz');
    expect([readyz.status, await readyz.text()]).toEqual([200, 'ok\n']);
    expect((await probe('/nothing')).status).toBe(404);
  });

  it('refuses to start when a CRD is missing, with the command that installs it', async () => {
    const missing = { ...gadgetKind, plural: 'absentees', kind: 'Absentee' };
    manager = testManager({
      crds: [
        { kind: gadgetKind, install: 'kubectl apply -f gadgets.yaml' },
        { kind: missing, install: 'kubectl apply --server-side -f crds/' },
      ],
    });
    const failure = await manager.start().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(CrdMissingError);
    expect((failure as Error).message).toBe(
      'The CustomResourceDefinition absentees.runtime-test.quire.dev is not installed; install it with: kubectl apply --server-side -f crds/',
    );
    expect(await manager.done()).toBe(1);
    manager = undefined;
  });

  it('on shutdown, takes no new work, lets the in-flight reconcile finish, and exits 0', async () => {
    const started: string[] = [];
    const finished: string[] = [];
    manager = testManager({ env: { QUIRE_WATCH_NAMESPACES: ns.name, QUIRE_WORKERS: '1' } });
    const controller = manager.addController({
      name: 'slow',
      for: kinds.configMap,
      reconcile: async (key) => {
        started.push(key.name);
        if (key.name === 'slow') await sleep(1_000);
        finished.push(key.name);
        return undefined;
      },
    });
    await manager.start();
    await until(
      'the existing objects to be reconciled',
      () => controller.queue.len() === 0 && controller.queue.inFlight() === 0,
    );
    await create('slow');
    await until('the slow reconcile to start', () => started.includes('slow'));
    await create('queued-behind');
    await until('the second object to wait in the queue', () => controller.queue.len() === 1);
    const stopping = performance.now();
    const code = await manager.stop();
    const took = performance.now() - stopping;
    expect(code).toBe(0);
    expect(finished).toContain('slow');
    expect(started).not.toContain('queued-behind');
    expect(took).toBeLessThan(5_000);
    manager = undefined;
  });
});
