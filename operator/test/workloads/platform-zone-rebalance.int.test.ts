// A scale-down that leaves a zone without a pod of the service: the ReplicaSet picks the pod to delete
// by node, not by zone, so document at 4 (2-1-1) scaled to 3 can end 2-1-0. The operator must evict
// one pod of the crowded zone (through the Eviction API, so the budget holds) and let the scheduler's
// spread constraint put the replacement into the empty zone, and the Platform must become Ready again.
// The test makes the ReplicaSet's choice certain with the pod-deletion-cost annotation on the one pod
// of a single-pod zone: the same choice its node ranking may make on its own.

import { type TestNamespace, waitFor } from '@quire/dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeKind, podKind } from '../../src/render/kinds.js';
import { selectorLabels } from '../../src/render/labels.js';
import { type KubeObject, kinds, resourcePath } from '../../src/runtime/resource-kind.js';
import {
  applyPlatform,
  client,
  listObjects,
  operatedNamespace,
  patchPlatformSpec,
  waitForCondition,
} from './operator-fixtures.js';

const zoneLabel = 'topology.kubernetes.io/zone';
const zones = ['zone-a', 'zone-b', 'zone-c'];
const caughtUp = (p: KubeObject) =>
  (p.status as { observedGeneration?: number }).observedGeneration === p.metadata.generation;

/** The document pods that are not being deleted, by zone ('pending' when not yet scheduled). */
async function documentPods(namespace: string): Promise<Map<string, KubeObject[]>> {
  const nodes = new Map((await listObjects(nodeKind, undefined)).map((n) => [n.metadata.name, n]));
  const labels = Object.entries(selectorLabels('quire', 'document')).map(([k, v]) => `${k}=${v}`);
  const byZone = new Map<string, KubeObject[]>(zones.map((z) => [z, []]));
  for (const pod of await listObjects(podKind, namespace, labels.join(','))) {
    if (pod.metadata.deletionTimestamp) continue;
    const node = nodes.get((pod.spec as { nodeName?: string }).nodeName);
    const zone = node?.metadata.labels?.[zoneLabel] ?? 'pending';
    byZone.set(zone, [...(byZone.get(zone) ?? []), pod]);
  }
  return byZone;
}

const counts = (byZone: Map<string, KubeObject[]>) =>
  Object.fromEntries([...byZone].map(([zone, pods]) => [zone, pods.length]));

describe('a service scaled down into an uneven spread over the zones', () => {
  let ns: TestNamespace;
  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ ns, close } = await operatedNamespace('rebalance'));
    await applyPlatform(ns.name, (m) => {
      m.spec.services = { ...m.spec.services, document: { replicas: 4 } };
    });
    await waitForCondition(ns.name, 'quire', 'Ready', 'True', { timeoutMs: 120_000 });
  });
  afterAll(async () => {
    await close?.();
  });

  it('evicts one pod of the crowded zone and becomes Ready with one document pod per zone', async () => {
    const before = await documentPods(ns.name);
    expect(Object.values(counts(before)).sort()).toEqual([1, 1, 2]);
    const [lonelyZone, [lonely]] = [...before].find(([, pods]) => pods.length === 1) as [
      string,
      KubeObject[],
    ];
    const lonelyName = lonely?.metadata.name ?? '';
    await client.request('PATCH', resourcePath(podKind, { namespace: ns.name, name: lonelyName }), {
      body: { metadata: { annotations: { 'controller.kubernetes.io/pod-deletion-cost': '-1000' } } },
      contentType: 'application/merge-patch+json',
    });

    const started = performance.now();
    await patchPlatformSpec(ns.name, 'quire', { services: { document: { replicas: 3 } } });
    // The ReplicaSet's choice: the lonely pod goes, leaving its zone without a document pod.
    const uneven = await waitFor(
      `the ReplicaSet to delete ${lonelyName}`,
      async () => {
        const now = await documentPods(ns.name);
        return now.get(lonelyZone)?.length === 0 ? counts(now) : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    console.info(`after the scale-down: ${JSON.stringify(uneven)}`);

    // A Ready seen before the operator noticed the deletion proves nothing, so the spread comes first.
    let last: Record<string, number> = {};
    await waitFor(
      'one document pod in each zone',
      async () => {
        last = counts(await documentPods(ns.name));
        return JSON.stringify(last) === JSON.stringify({ 'zone-a': 1, 'zone-b': 1, 'zone-c': 1 })
          ? true
          : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 200, describe: async () => JSON.stringify(last) },
    );
    await waitForCondition(ns.name, 'quire', 'Ready', 'True', { timeoutMs: 30_000, match: caughtUp });
    console.info(`scaled to 3: Ready again after ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const events = await client.request<{ items: Array<{ reason?: string; note?: string; type?: string }> }>(
      'GET',
      resourcePath(kinds.event, { namespace: ns.name }),
    );
    const rebalanced = events.items.filter((e) => e.reason === 'ZoneRebalanced');
    expect(rebalanced).toHaveLength(1);
    expect(rebalanced[0]?.type).toBe('Normal');
    expect(rebalanced[0]?.note).toContain(lonelyZone);
    expect(rebalanced[0]?.note).toMatch(/Evicted pod quire-document-/);
  }, 240_000);
});
