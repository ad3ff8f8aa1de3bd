import { createTestNamespace, type TestNamespace } from '@quire/dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApplyOutcome, fieldManagerConflictReason } from '../../src/runtime/apply.js';
import { type Condition, findCondition } from '../../src/runtime/conditions.js';
import type { Manager } from '../../src/runtime/manager.js';
import { prune } from '../../src/runtime/prune.js';
import type { KubeObject } from '../../src/runtime/resource-kind.js';
import { kinds, resourcePath } from '../../src/runtime/resource-kind.js';
import { countRequests, writeMethods } from '../../src/runtime/rest-client-metrics.js';
import {
  countedClient,
  ensureGadgetCrd,
  gadgetKind,
  sleep,
  testManager,
  until,
} from './fixtures/runtime-fixtures.js';

type Gadget = KubeObject & { spec: { items: Record<string, string> }; status?: { conditions?: Condition[] } };

describe('applying, pruning and reporting status', () => {
  const { client } = countedClient();
  let ns: TestNamespace;
  let manager: Manager;
  let reconciles = 0;

  beforeAll(async () => {
    await ensureGadgetCrd(client);
    ns = await createTestNamespace('runtime-apply');
    manager = testManager({ env: { QUIRE_WATCH_NAMESPACES: ns.name } });
    const m = manager;
    const gadgets = m.informers.for<Gadget>(gadgetKind);
    m.addController({
      name: 'gadgets',
      for: gadgetKind,
      owns: [kinds.configMap],
      // A reconciler in the shape the Platform's will have: build, apply, prune, report.
      reconcile: async (key) => {
        reconciles += 1;
        const gadget = gadgets.get(key);
        if (!gadget) return undefined;
        const owner = { kind: gadgetKind, object: gadget };
        const desired = Object.entries(gadget.spec.items).map(([item, value]) => ({
          kind: kinds.configMap,
          object: { metadata: { name: `${key.name}-${item}`, namespace: key.namespace }, data: { value } },
        }));
        const outcomes: ApplyOutcome[] = [];
        for (const d of desired) outcomes.push(await m.applier.apply(d.kind, d.object, { owner }));
        const pruned = await prune({
          client: m.client,
          informers: m.informers,
          owner,
          kinds: [kinds.configMap],
          desired,
          applier: m.applier,
        });
        const applied = outcomes.filter((o) => o.result === 'applied').length;
        if (applied + pruned.length > 0) {
          m.events.record(gadgetKind, gadget, {
            type: 'Normal',
            reason: 'Applied',
            action: 'Apply',
            note: `Applied ${applied} objects and pruned ${pruned.length}`,
          });
        }
        const conflict = outcomes.find((o) => o.result === 'conflict');
        const generation = gadget.metadata.generation;
        await m.statusWriter.update(gadgetKind, gadget, {
          fields: { observedGeneration: generation },
          conditions: [
            conflict
              ? {
                  type: 'Ready',
                  status: 'False',
                  reason: conflict.reason,
                  message: conflict.message,
                  observedGeneration: generation,
                }
              : {
                  type: 'Ready',
                  status: 'True',
                  reason: 'Applied',
                  message: 'Every object is applied',
                  observedGeneration: generation,
                },
          ],
        });
        return conflict ? { requeueAfterMs: 60_000 } : undefined;
      },
    });
    await m.start();
  });
  afterAll(async () => {
    await manager?.stop();
    await ns?.dispose();
  });

  const gadgetPath = (name?: string) => resourcePath(gadgetKind, { namespace: ns.name, name });
  const configMapPath = (name?: string) => resourcePath(kinds.configMap, { namespace: ns.name, name });
  const createGadget = (name: string, items: Record<string, string>) =>
    client.request('POST', gadgetPath(), {
      body: { apiVersion: 'runtime-test.quire.dev/v1', kind: 'Gadget', metadata: { name }, spec: { items } },
    });
  const setItems = (name: string, items: Record<string, string | null>) =>
    client.request('PATCH', gadgetPath(name), {
      body: { spec: { items } },
      contentType: 'application/merge-patch+json',
    });
  const readGadget = (name: string) => client.request<Gadget>('GET', gadgetPath(name));
  const ready = async (name: string) => findCondition((await readGadget(name)).status?.conditions, 'Ready');
  const value = async (name: string) =>
    client.request<{ data?: { value?: string } }>('GET', configMapPath(name)).then(
      (cm) => cm.data?.value,
      () => undefined,
    );

  it('applies what the owner wants, owned by it, reports Ready and records an Event', async () => {
    await createGadget('alpha', { a: '1', b: '2' });
    await until('alpha to be Ready', async () => (await ready('alpha'))?.status === 'True');
    const cm = await client.request<KubeObject>('GET', configMapPath('alpha-a'));
    const gadget = await readGadget('alpha');
    expect(cm.data).toEqual({ value: '1' });
    expect(cm.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Gadget', uid: gadget.metadata.uid, controller: true }),
    ]);
    expect(cm.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'quire-operator',
      'platform.quire.dev/platform': 'alpha',
    });
    expect(cm.metadata.annotations?.['platform.quire.dev/desired-hash']).toMatch(/^[0-9a-f]{32}$/);
    expect(gadget.status).toMatchObject({ observedGeneration: 1 });
    await manager.events.flush();
    const events = await client.request<{
      items: Array<{
        reason: string;
        regarding: { name: string };
        note: string;
        reportingController: string;
      }>;
    }>('GET', resourcePath(kinds.event, { namespace: ns.name }));
    const event = events.items.find((e) => e.regarding.name === 'alpha');
    expect(event).toMatchObject({
      reason: 'Applied',
      note: 'Applied 2 objects and pruned 0',
      reportingController: 'platform.quire.dev/operator',
    });
  });

  it('puts back an owned object that someone else changed, since a change to it wakes its owner', async () => {
    await until('alpha to be Ready', async () => (await ready('alpha'))?.status === 'True');
    await client.request('PATCH', configMapPath('alpha-b'), {
      query: { fieldManager: 'intruder' },
      body: { data: { value: 'tampered' } },
      contentType: 'application/merge-patch+json',
    });
    await until('the owned object to be put back', async () => (await value('alpha-b')) === '2');
  });

  it('deletes the owned objects the desired state no longer contains', async () => {
    await setItems('alpha', { b: null, c: '3' });
    await until('alpha-c to exist', async () => (await value('alpha-c')) === '3');
    await until('alpha-b to be pruned', async () => (await value('alpha-b')) === undefined);
    expect(await value('alpha-a')).toBe('1');
  });

  it('keeps a condition transition time when the status stays the same, and moves it when it changes', async () => {
    const before = await ready('alpha');
    await sleep(1100);
    await setItems('alpha', { a: '1-changed' });
    await until(
      'alpha generation 3 to be observed',
      async () => (await ready('alpha'))?.observedGeneration === 3,
    );
    const after = await ready('alpha');
    expect(after?.lastTransitionTime).toBe(before?.lastTransitionTime);
    expect(await value('alpha-a')).toBe('1-changed');
  });

  it('turns a conflict with another field manager into a condition reason instead of a crash loop', async () => {
    // Someone else owns this ConfigMap (applied by their own field manager, without our label).
    await client.request('PATCH', configMapPath('contested-x'), {
      query: { fieldManager: 'someone-else' },
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'contested-x', namespace: ns.name },
        data: { value: 'theirs' },
      },
      contentType: 'application/apply-patch+yaml',
    });
    const errorsBefore = (await manager.metrics.reconcileErrors.get()).values[0]?.value ?? 0;
    await createGadget('contested', { x: 'ours' });
    await until(
      'the conflict to show in the status',
      async () => (await ready('contested'))?.reason === fieldManagerConflictReason,
    );
    const condition = await ready('contested');
    expect(condition).toMatchObject({ status: 'False', reason: 'FieldManagerConflict' });
    expect(condition?.message).toContain('.data.value');
    expect(await value('contested-x')).toBe('theirs');
    await sleep(300);
    expect((await manager.metrics.reconcileErrors.get()).values[0]?.value ?? 0).toBe(errorsBefore);
    // Once the other manager lets go of the object, the next change converges to Ready, and the
    // condition's transition time moves with its status.
    await sleep(1100);
    await client.request('DELETE', configMapPath('contested-x'));
    await setItems('contested', { x: 'ours-now' });
    await until('contested to be Ready', async () => (await ready('contested'))?.status === 'True');
    expect((await ready('contested'))?.lastTransitionTime).not.toBe(condition?.lastTransitionTime);
    expect(await value('contested-x')).toBe('ours-now');
  });

  it('creates new objects without reading each one first', async () => {
    const readsBefore = await countRequests(manager.metrics, ['GET']);
    await createGadget('fresh', { a: '1', b: '2', c: '3', d: '4', e: '5' });
    await until('fresh to be Ready', async () => (await ready('fresh'))?.status === 'True');
    // The test's own polling reads the gadget; those go through `client`, not the manager's metrics.
    const reads = (await countRequests(manager.metrics, ['GET'])) - readsBefore;
    expect(await value('fresh-e')).toBe('5');
    expect(reads).toBe(0);
  });

  it('sends zero write requests on a no-op resync of 50 unchanged objects', async () => {
    const items = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`item${i}`, `v${i}`]));
    await createGadget('fifty', items);
    await until('fifty to be Ready', async () => (await ready('fifty'))?.status === 'True', 60_000);
    const controller = () => manager.informers;
    // Let the last status write come back through the watch and be reconciled as a no-op.
    await sleep(500);
    const writesBefore = await countRequests(manager.metrics, writeMethods);
    const requestsBefore = await countRequests(manager.metrics);
    const reconcilesBefore = reconciles;
    for (let round = 0; round < 3; round++) {
      controller().resync();
      await sleep(300);
    }
    await until('the resyncs to be reconciled', () => reconciles >= reconcilesBefore + 3);
    await sleep(300);
    const writes = (await countRequests(manager.metrics, writeMethods)) - writesBefore;
    const requests = (await countRequests(manager.metrics)) - requestsBefore;
    console.info(
      `3 resyncs: ${reconciles - reconcilesBefore} reconciles over 50 owned objects, ${writes} writes, ${requests} requests in all`,
    );
    expect(writes).toBe(0);
    expect(requests).toBe(0);
  });
});
