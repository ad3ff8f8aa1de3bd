import { describe, expect, it } from 'vitest';
import { samplePlatform } from '../../test/workloads/sample-platforms.js';
import type { Platform, WorkloadName } from '../api/index.js';
import { selectorLabels } from '../render/labels.js';
import type { KubeObject } from '../runtime/resource-kind.js';
import { desiredPerZone, observeWorkloads, unschedulableGraceMs, workloadsOf } from './workload-status.js';

const now = new Date('2026-01-01T12:00:00Z');
const platform = samplePlatform();
const node = (zone: string, i = 1): KubeObject => ({
  metadata: {
    name: `${zone}-${i}`,
    labels: { 'topology.kubernetes.io/zone': zone, 'platform.quire.dev/pool': zone },
  },
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
});
const nodes = ['zone-a', 'zone-b', 'zone-c'].map((z) => node(z));
const deployment = (replicas: number, status: Record<string, number> = {}): KubeObject => ({
  metadata: { name: 'd', generation: 1 },
  spec: { replicas },
  status: {
    observedGeneration: 1,
    replicas,
    updatedReplicas: replicas,
    availableReplicas: replicas,
    ...status,
  },
});
const pod = (
  service: string,
  nodeName: string | undefined,
  ready = true,
  extra: Record<string, unknown>[] = [],
): KubeObject => ({
  metadata: {
    name: `${service}-${nodeName}-${Math.random()}`,
    labels: selectorLabels('quire', service as 'auth'),
  },
  spec: nodeName ? { nodeName } : {},
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }, ...extra] },
});

/** Every workload of the sample (the web app too) rolled out with its pods round-robin over the zones. */
function healthy(of: Platform = platform): {
  deployments: Map<WorkloadName, KubeObject>;
  pods: KubeObject[];
} {
  const deployments = new Map<WorkloadName, KubeObject>();
  const pods: KubeObject[] = [];
  for (const service of workloadsOf(of)) {
    const replicas = service === 'web' ? of.spec.web.replicas : of.spec.services[service].replicas;
    deployments.set(service, deployment(replicas));
    for (let i = 0; i < replicas; i++) pods.push(pod(service, nodes[i % 3]?.metadata.name));
  }
  return { deployments, pods };
}

describe('the workloads observation', () => {
  it('splits replicas evenly over zones, giving the remainder to the zones that hold the extra pods', () => {
    const ready = new Map([['zone-b', 2]]);
    expect(Object.fromEntries(desiredPerZone(4, ['zone-a', 'zone-b', 'zone-c'], ready))).toEqual({
      'zone-a': 1,
      'zone-b': 2,
      'zone-c': 1,
    });
    expect(Object.fromEntries(desiredPerZone(2, ['zone-a', 'zone-b', 'zone-c'], new Map()))).toEqual({
      'zone-a': 1,
      'zone-b': 1,
      'zone-c': 0,
    });
  });

  it('finds every service ready when each zone holds its share of ready pods', () => {
    const observation = observeWorkloads({ platform, ...healthy(), nodes, now });
    expect(observation).toMatchObject({ servicesReady: '8/8', stalled: [], waiting: [] });
    expect(observation.services[0]).toEqual({
      name: 'auth',
      desiredReplicas: 3,
      readyReplicas: 3,
      zones: [
        { zone: 'zone-a', desiredReplicas: 1, readyReplicas: 1 },
        { zone: 'zone-b', desiredReplicas: 1, readyReplicas: 1 },
        { zone: 'zone-c', desiredReplicas: 1, readyReplicas: 1 },
      ],
    });
  });

  it('waits for a Deployment whose latest spec its controller has not seen', () => {
    const { deployments, pods } = healthy();
    deployments.set('user', { ...deployment(2), metadata: { name: 'd', generation: 2 } });
    const observation = observeWorkloads({ platform, deployments, pods, nodes, now });
    expect(observation.servicesReady).toBe('7/8');
    expect(observation.waiting).toEqual(['user (its Deployment has a change not yet rolled out)']);
  });

  it('waits, zone by zone, for pods that are not ready', () => {
    const { deployments, pods } = healthy();
    const auth = pods.findIndex((p) => p.metadata.labels?.['app.kubernetes.io/name'] === 'auth');
    pods[auth] = pod('auth', 'zone-a-1', false);
    deployments.set('auth', deployment(3, { availableReplicas: 2 }));
    expect(observeWorkloads({ platform, deployments, pods, nodes, now }).waiting).toEqual([
      'auth (2 of 3 replicas available; ready per zone: zone-a 0/1)',
    ]);
  });

  it('reports the web app after the services, with its replicas per zone, and waits for it like a service', () => {
    const { deployments, pods } = healthy();
    expect(observeWorkloads({ platform, deployments, pods, nodes, now }).services.at(-1)).toEqual({
      name: 'web',
      desiredReplicas: 2,
      readyReplicas: 2,
      zones: [
        { zone: 'zone-a', desiredReplicas: 1, readyReplicas: 1 },
        { zone: 'zone-b', desiredReplicas: 1, readyReplicas: 1 },
        { zone: 'zone-c', desiredReplicas: 0, readyReplicas: 0 },
      ],
    });
    deployments.delete('web');
    const missing = observeWorkloads({ platform, deployments, pods, nodes, now });
    expect(missing.servicesReady).toBe('7/8');
    expect(missing.waiting).toEqual(['web (its Deployment does not exist yet)']);
  });

  it('leaves the web app out of the count and the list when it is disabled', () => {
    const without = samplePlatform('platform-minimal', (m) => (m.spec.web = { enabled: false }));
    const observation = observeWorkloads({ platform: without, ...healthy(without), nodes, now });
    expect(observation.servicesReady).toBe('7/7');
    expect(observation.services.map((s) => s.name)).not.toContain('web');
  });

  it('counts no zone for a pod whose node is gone', () => {
    const { deployments, pods } = healthy();
    const observation = observeWorkloads({ platform, deployments, pods, nodes: nodes.slice(0, 2), now });
    expect(observation.services[0]?.zones[2]).toEqual({
      zone: 'zone-c',
      desiredReplicas: 1,
      readyReplicas: 0,
    });
    expect(observation.stalled).toEqual([
      'zone zone-c has no schedulable node (topology.kubernetes.io/zone=zone-c and platform.quire.dev/pool=zone-c): no node has the labels; add nodes to that pool or remove the zone from spec.topology.zones',
    ]);
  });

  it("gives an unschedulable pod a grace period, then reports the scheduler's reason as stalled", () => {
    const { deployments, pods } = healthy();
    const scheduled = (ago: number) => ({
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message: '0/9 nodes are available: 9 Insufficient cpu.',
      lastTransitionTime: new Date(now.getTime() - ago).toISOString(),
    });
    const fresh = observeWorkloads({
      platform,
      deployments,
      pods: [...pods, pod('search', undefined, false, [scheduled(10_000)])],
      nodes,
      now,
    });
    expect(fresh.stalled).toEqual([]);
    expect(fresh.recheckAfterMs).toBe(unschedulableGraceMs - 10_000);
    const stuck = observeWorkloads({
      platform,
      deployments,
      pods: [...pods, pod('search', undefined, false, [scheduled(unschedulableGraceMs)])],
      nodes,
      now,
    });
    expect(stuck.stalled).toEqual([
      '1 search pod(s) cannot be scheduled: 0/9 nodes are available: 9 Insufficient cpu.',
    ]);
  });
});
