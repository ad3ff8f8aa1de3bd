import { createTestNamespace, type TestNamespace } from '@quire/dev';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReconcileContext } from '../../src/runtime/controller.js';
import type { Manager } from '../../src/runtime/manager.js';
import { kinds, type ObjectKey, resourcePath } from '../../src/runtime/resource-kind.js';
import { countedClient, managedLabels, sleep, testManager, until } from './fixtures/runtime-fixtures.js';

/** What a reconcile saw in the cache for one key, in order. */
type Seen = { name: string; value: string | undefined; exists: boolean };

describe('a controller against the real API server', () => {
  const { client } = countedClient();
  let ns: TestNamespace;
  let manager: Manager | undefined;

  beforeAll(async () => {
    ns = await createTestNamespace('runtime-ctl');
  });
  afterEach(async () => {
    await manager?.stop();
    manager = undefined;
  });
  afterAll(async () => {
    await ns?.dispose();
  });

  const path = (name?: string) => resourcePath(kinds.configMap, { namespace: ns.name, name });
  const create = (name: string, value: string) =>
    client.request('POST', path(), {
      body: { metadata: { name, namespace: ns.name, labels: managedLabels }, data: { value } },
    });
  const update = (name: string, value: string) =>
    client.request('PATCH', path(name), {
      body: { data: { value } },
      contentType: 'application/merge-patch+json',
    });

  /** A manager whose ConfigMap controller records what each reconcile read from the cache. */
  async function start(
    reconcile: (key: ObjectKey, ctx: ReconcileContext, seen: Seen) => Promise<void> = async () => {},
    workers = 2,
  ) {
    const seen: Seen[] = [];
    const m = testManager({ env: { QUIRE_WATCH_NAMESPACES: ns.name, QUIRE_WORKERS: String(workers) } });
    const configMaps = m.informers.for(kinds.configMap);
    const controller = m.addController({
      name: 'configmaps',
      for: kinds.configMap,
      reconcile: async (key, ctx) => {
        const object = configMaps.get(key);
        const entry = {
          name: key.name,
          value: (object?.data as Record<string, string> | undefined)?.value,
          exists: !!object,
        };
        seen.push(entry);
        await reconcile(key, ctx, entry);
        return undefined;
      },
    });
    await m.start();
    manager = m;
    return { seen, controller, metrics: m.metrics };
  }

  it('reconciles an object that is created, updated and deleted, each time at its current level', async () => {
    const { seen } = await start();
    const last = () => seen.filter((s) => s.name === 'level').at(-1);
    await create('level', 'one');
    await until('the created object to be reconciled', () => last()?.value === 'one');
    await update('level', 'two');
    await until('the updated object to be reconciled', () => last()?.value === 'two');
    await client.request('DELETE', path('level'));
    await until('the deletion to be reconciled', () => last()?.exists === false);
    expect(seen.filter((s) => s.name === 'level').map((s) => s.value ?? 'gone')).toEqual(
      expect.arrayContaining(['one', 'two', 'gone']),
    );
  });

  it('turns a burst of 100 updates to one object into far fewer reconciles that end on the last state', async () => {
    const { seen, controller } = await start(async () => {
      await sleep(50);
    });
    await create('burst', '0');
    await until('the first reconcile', () => seen.some((s) => s.name === 'burst'));
    const before = seen.length;
    for (let i = 1; i <= 100; i++) await update('burst', String(i));
    await until('the last state to be reconciled', () => seen.at(-1)?.value === '100');
    await until(
      'the queue to drain',
      () => controller.queue.len() === 0 && controller.queue.inFlight() === 0,
    );
    await sleep(200);
    const reconciles = seen.length - before;
    console.info(`100 updates gave ${reconciles} reconciles`);
    expect(reconciles).toBeGreaterThanOrEqual(1);
    expect(reconciles).toBeLessThan(40);
    expect(seen.at(-1)?.value).toBe('100');
  });

  it('backs a failing reconcile off exponentially, then recovers', async () => {
    const attempts: number[] = [];
    const { metrics } = await start(async (key, ctx) => {
      if (key.name !== 'flaky') return;
      attempts.push(performance.now());
      if (ctx.retries < 6) throw new Error('a dependency is not ready yet');
    });
    await create('flaky', 'x');
    await until('the flaky reconcile to succeed', () => attempts.length === 7);
    const gaps = attempts.slice(1).map((t, i) => t - (attempts[i] as number));
    console.info(`retry gaps (ms): ${gaps.map((g) => g.toFixed(1)).join(', ')}`);
    // 5, 10, 20, 40, 80, 160 ms: each retry waits at least its backoff, and the waits grow.
    for (const [i, gap] of gaps.entries()) expect(gap).toBeGreaterThanOrEqual(5 * 2 ** i - 1);
    expect(gaps[5]).toBeGreaterThan((gaps[0] as number) * 8);
    const errors = (await metrics.reconcileErrors.get()).values[0]?.value;
    expect(errors).toBe(6);
    await sleep(400);
    expect(attempts).toHaveLength(7);
  });

  it('keeps reconciling every other object while one reconcile panics', async () => {
    const { seen, metrics } = await start(async (key) => {
      if (key.name === 'poison') {
        const missing = undefined as unknown as { field: string };
        void missing.field;
      }
    });
    await create('poison', 'x');
    await Promise.all(Array.from({ length: 10 }, (_, i) => create(`healthy-${i}`, String(i))));
    await until('every healthy object to be reconciled', () =>
      Array.from({ length: 10 }, (_, i) => `healthy-${i}`).every((n) => seen.some((s) => s.name === n)),
    );
    await until('the panic to be retried', () => seen.filter((s) => s.name === 'poison').length >= 3);
    const panics = (await metrics.reconcilePanics.get()).values[0]?.value ?? 0;
    expect(panics).toBeGreaterThanOrEqual(3);
    expect(manager?.isLeading()).toBe(true);
  });
});
