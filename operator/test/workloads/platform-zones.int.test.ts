// Losing a zone: every node of zone-c's pool is deleted (as a failed zone or a deleted node pool
// would leave the cluster), then re-created. The Platform must say it is stuck and why, keep the
// missing zone's share of pods Pending rather than pile it onto the other zones, and become Ready
// again, evenly spread, once the nodes are back. The nodes are restored whatever happens.

import { type TestNamespace, waitFor } from '@quire/dev';
import { serviceNames } from '@quire/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeKind, podKind } from '../../src/render/kinds.js';
import { selectorLabels } from '../../src/render/labels.js';
import { findCondition } from '../../src/runtime/conditions.js';
import { type KubeObject, resourcePath } from '../../src/runtime/resource-kind.js';
import type { Status } from '../../src/runtime/status-writer.js';
import {
  applyPlatform,
  client,
  getObject,
  listObjects,
  operatedNamespace,
  waitForCondition,
} from './operator-fixtures.js';

const zoneLabel = 'topology.kubernetes.io/zone';
const conditionOf = (p: KubeObject, type: string) =>
  findCondition((p.status as Status | undefined)?.conditions, type);

/**
 * Re-creates nodes from copies read before they were deleted. kwok marks them Ready and writes its
 * default capacity; once it has, the saved capacity is written back (and again, should kwok's first
 * status write land after ours), so the cluster ends as it began.
 */
async function restoreNodes(saved: readonly KubeObject[]): Promise<void> {
  for (const node of saved) {
    const name = node.metadata.name ?? '';
    if (await getObject(nodeKind, '', name)) continue;
    const { labels, annotations } = node.metadata;
    await client.request('POST', resourcePath(nodeKind), {
      body: {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels, annotations },
        spec: node.spec ?? {},
      },
    });
  }
  for (const node of saved) {
    const name = node.metadata.name ?? '';
    const want = (node.status ?? {}) as {
      capacity?: Record<string, string>;
      allocatable?: Record<string, string>;
    };
    await waitFor(`node ${name} to be Ready with its capacity`, async () => {
      const live = (await getObject(nodeKind, '', name))?.status as
        | { conditions?: Array<{ type: string; status: string }>; allocatable?: Record<string, string> }
        | undefined;
      if (!live?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return undefined;
      if (JSON.stringify(live.allocatable) === JSON.stringify(want.allocatable)) return true;
      await client.request('PATCH', resourcePath(nodeKind, { name, subresource: 'status' }), {
        body: { status: { capacity: want.capacity, allocatable: want.allocatable } },
        contentType: 'application/merge-patch+json',
      });
      return undefined;
    });
  }
}

/** Pods per zone of each service. */
async function spread(namespace: string): Promise<Record<string, Record<string, number>>> {
  const nodes = new Map((await listObjects(nodeKind, undefined)).map((n) => [n.metadata.name, n]));
  const result: Record<string, Record<string, number>> = {};
  for (const service of serviceNames) {
    const labels = Object.entries(selectorLabels('quire', service)).map(([k, v]) => `${k}=${v}`);
    const pods = await listObjects(podKind, namespace, labels.join(','));
    const perZone: Record<string, number> = { 'zone-a': 0, 'zone-b': 0, 'zone-c': 0 };
    for (const pod of pods.filter((p) => !p.metadata.deletionTimestamp)) {
      const zone =
        nodes.get((pod.spec as { nodeName?: string }).nodeName)?.metadata.labels?.[zoneLabel] ?? 'pending';
      perZone[zone] = (perZone[zone] ?? 0) + 1;
    }
    result[service] = perZone;
  }
  return result;
}

describe('a Platform that loses the nodes of one zone', () => {
  let ns: TestNamespace;
  let close: (() => Promise<void>) | undefined;
  let zoneC: KubeObject[] = [];

  beforeAll(async () => {
    ({ ns, close } = await operatedNamespace('zones'));
    await applyPlatform(ns.name);
    await waitForCondition(ns.name, 'quire', 'Ready', 'True');
    zoneC = await listObjects(nodeKind, undefined, `${zoneLabel}=zone-c,platform.quire.dev/pool=zone-c`);
    expect(zoneC).toHaveLength(3);
  });
  afterAll(async () => {
    await restoreNodes(zoneC);
    await close?.();
  });

  it("reports Stalled with the zone and the fix, keeps that zone's share Pending, and recovers when the nodes return", async () => {
    const started = performance.now();
    const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
    for (const node of zoneC)
      await client.request('DELETE', resourcePath(nodeKind, { name: node.metadata.name }));

    const stalled = await waitForCondition(ns.name, 'quire', 'Stalled', 'True', { timeoutMs: 30_000 });
    console.info(`zone-c nodes deleted: Stalled after ${elapsed()}`);
    const message = conditionOf(stalled, 'Stalled')?.message ?? '';
    expect(message).toContain('zone zone-c has no schedulable node');
    expect(message).toContain('topology.kubernetes.io/zone=zone-c and platform.quire.dev/pool=zone-c');
    expect(message).toContain('spec.topology.zones');
    expect(conditionOf(stalled, 'WorkloadsReady')).toMatchObject({
      status: 'False',
      reason: 'ReplicasUnavailable',
    });
    expect(conditionOf(stalled, 'Ready')?.status).toBe('False');

    // Pods bound to the deleted nodes are removed by the pod garbage collector after its quarantine;
    // their replacements must wait for zone-c rather than crowd into zone-a and zone-b.
    const during = await waitFor(
      'the pods of the lost zone to be replaced',
      async () => {
        const now = await spread(ns.name);
        return Object.values(now).every((z) => (z['zone-c'] ?? 0) === 0) && (now.auth?.pending ?? 0) > 0
          ? now
          : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 1000 },
    );
    console.info(`replacement pods after ${elapsed()}: ${JSON.stringify(during)}`);
    for (const [service, zones] of Object.entries(during)) {
      expect(zones['zone-a'] ?? 0, service).toBeLessThanOrEqual(2);
      expect(Math.abs((zones['zone-a'] ?? 0) - (zones['zone-b'] ?? 0)), service).toBeLessThanOrEqual(1);
    }
    const stillStalled = await waitForCondition(ns.name, 'quire', 'Stalled', 'True');
    expect(conditionOf(stillStalled, 'Ready')?.status).toBe('False');

    const restoring = performance.now();
    await restoreNodes(zoneC);
    await waitForCondition(ns.name, 'quire', 'Ready', 'True', { timeoutMs: 90_000 });
    console.info(
      `zone-c nodes restored: Ready after ${((performance.now() - restoring) / 1000).toFixed(1)} s`,
    );
    const after = await spread(ns.name);
    for (const [service, zones] of Object.entries(after)) {
      const counts = [zones['zone-a'] ?? 0, zones['zone-b'] ?? 0, zones['zone-c'] ?? 0];
      expect(
        Math.max(...counts) - Math.min(...counts),
        `${service}: ${JSON.stringify(zones)}`,
      ).toBeLessThanOrEqual(1);
      expect(zones.pending ?? 0, service).toBe(0);
    }
  }, 360_000);
});
