import { describe, expect, it } from 'vitest';
import { samplePlatform } from '../../test/workloads/sample-platforms.js';
import type { KubeObject } from '../runtime/resource-kind.js';
import { isSchedulable, zonesWithoutNodes, zonesWithSchedulableNodes } from './zones.js';

const topology = samplePlatform().spec.topology;
const node = (zone: string, pool: string, extra: { spec?: object; ready?: string } = {}): KubeObject => ({
  metadata: {
    name: `${zone}-${pool}`,
    labels: { 'topology.kubernetes.io/zone': zone, 'platform.quire.dev/pool': pool },
  },
  spec: extra.spec ?? {},
  status: { conditions: [{ type: 'Ready', status: extra.ready ?? 'True' }] },
});

describe("the zones' nodes", () => {
  it('count only Ready, uncordoned nodes without NoSchedule or NoExecute taints', () => {
    expect(isSchedulable(node('zone-a', 'zone-a'))).toBe(true);
    expect(isSchedulable(node('zone-a', 'zone-a', { ready: 'False' }))).toBe(false);
    expect(isSchedulable(node('zone-a', 'zone-a', { spec: { unschedulable: true } }))).toBe(false);
    expect(
      isSchedulable(node('zone-a', 'zone-a', { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } })),
    ).toBe(false);
    expect(
      isSchedulable(
        node('zone-a', 'zone-a', { spec: { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] } }),
      ),
    ).toBe(true);
  });

  it('report a zone whose nodes are in another pool, and one whose only node is cordoned', () => {
    const problems = zonesWithoutNodes(topology, [
      node('zone-a', 'zone-a'),
      node('zone-b', 'other-pool'),
      node('zone-c', 'zone-c', { spec: { unschedulable: true } }),
    ]);
    expect(problems).toEqual([
      'zone zone-b has no schedulable node (topology.kubernetes.io/zone=zone-b and platform.quire.dev/pool=zone-b): no node has the labels; add nodes to that pool or remove the zone from spec.topology.zones',
      'zone zone-c has no schedulable node (topology.kubernetes.io/zone=zone-c and platform.quire.dev/pool=zone-c): its 1 node(s) are not Ready, cordoned or tainted NoSchedule; add nodes to that pool or remove the zone from spec.topology.zones',
    ]);
  });

  it('name the zones a new pod can go to: those with a schedulable node of their pool', () => {
    const zones = zonesWithSchedulableNodes(topology, [
      node('zone-a', 'zone-a'),
      node('zone-b', 'other-pool'),
      node('zone-c', 'zone-c', { spec: { unschedulable: true } }),
    ]);
    expect([...zones]).toEqual(['zone-a']);
  });
});
