import { describe, expect, it } from 'vitest';
import { evictionNote, planZoneEviction, type RebalanceInput, type RebalancePod } from './zone-rebalance.js';

const zones = ['zone-a', 'zone-b', 'zone-c'];
const everywhere = new Set(zones);

/** Ready pods named `<zone>-<n>`, created a minute apart in the order given. */
function pods(...placement: string[]): RebalancePod[] {
  return placement.map((zone, i) => ({
    name: `${zone}-${i}`,
    zone,
    ready: true,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
  }));
}

const input = (over: Partial<RebalanceInput> & Pick<RebalanceInput, 'pods'>): RebalanceInput => ({
  service: 'document',
  desiredReplicas: over.pods.length,
  rolloutComplete: true,
  zones,
  schedulableZones: everywhere,
  ...over,
});

describe('the zone rebalance decision', () => {
  it('when a scale-down left 2-0-1, evicts the newest pod of the crowded zone for the empty one', () => {
    const eviction = planZoneEviction(input({ pods: pods('zone-a', 'zone-a', 'zone-c') }));
    expect(eviction).toEqual({
      service: 'document',
      pod: 'zone-a-1',
      from: { zone: 'zone-a', ready: 2, share: 1 },
      to: { zone: 'zone-b', ready: 0, share: 1 },
    });
  });

  it('when five pods sit 3-2-0, takes one from the zone above its share of two', () => {
    const eviction = planZoneEviction(
      input({ pods: pods('zone-a', 'zone-b', 'zone-a', 'zone-b', 'zone-a') }),
    );
    expect(eviction).toMatchObject({
      pod: 'zone-a-4',
      from: { zone: 'zone-a', ready: 3, share: 2 },
      to: { zone: 'zone-c', ready: 0, share: 1 },
    });
  });

  it('when the spread is as even as the replicas allow, evicts nothing', () => {
    expect(planZoneEviction(input({ pods: pods('zone-a', 'zone-b', 'zone-c') }))).toBeUndefined();
    expect(planZoneEviction(input({ pods: pods('zone-a', 'zone-a', 'zone-b', 'zone-c') }))).toBeUndefined();
    expect(planZoneEviction(input({ pods: pods('zone-c', 'zone-b') }))).toBeUndefined();
    expect(planZoneEviction(input({ pods: pods('zone-b') }))).toBeUndefined();
  });

  it('when the rollout is still in progress, evicts nothing', () => {
    const plan = input({ pods: pods('zone-a', 'zone-a', 'zone-c'), rolloutComplete: false });
    expect(planZoneEviction(plan)).toBeUndefined();
  });

  it('when a pod is not ready, not scheduled, or one is missing, evicts nothing', () => {
    const notReady = pods('zone-a', 'zone-a', 'zone-c').map((p, i) => (i === 2 ? { ...p, ready: false } : p));
    expect(planZoneEviction(input({ pods: notReady }))).toBeUndefined();
    const pending = [
      ...pods('zone-a', 'zone-a'),
      { name: 'p', zone: undefined, ready: false, createdAt: undefined },
    ];
    expect(planZoneEviction(input({ pods: pending }))).toBeUndefined();
    expect(planZoneEviction(input({ pods: pods('zone-a', 'zone-a'), desiredReplicas: 3 }))).toBeUndefined();
  });

  it('when the short zone has no schedulable node, evicts nothing (the Platform is Stalled instead)', () => {
    const plan = input({
      pods: pods('zone-a', 'zone-a', 'zone-c'),
      schedulableZones: new Set(['zone-a', 'zone-c']),
    });
    expect(planZoneEviction(plan)).toBeUndefined();
  });

  it('when two pods of the crowded zone are as new as each other, picks the same one every time', () => {
    const twins = pods('zone-a', 'zone-a', 'zone-c').map((p) => ({
      ...p,
      createdAt: '2026-01-01T00:00:00Z',
    }));
    expect(planZoneEviction(input({ pods: twins }))?.pod).toBe('zone-a-0');
    expect(planZoneEviction(input({ pods: [...twins].reverse() }))?.pod).toBe('zone-a-0');
  });

  it('names the pod and both zones in the event note', () => {
    const eviction = planZoneEviction(input({ pods: pods('zone-a', 'zone-a', 'zone-c') }));
    expect(eviction && evictionNote(eviction)).toBe(
      'Evicted pod zone-a-1 of document from zone-a (2 ready, share 1) so its replacement is scheduled into zone-b (0 ready, share 1)',
    );
  });
});
