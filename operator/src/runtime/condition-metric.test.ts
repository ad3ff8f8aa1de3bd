import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createConditionMetric } from './condition-metric.js';
import type { ConditionStatus } from './conditions.js';
import type { KubeObject } from './resource-kind.js';

const platform = (name: string, conditions: Record<string, ConditionStatus>): KubeObject => ({
  apiVersion: 'platform.quire.dev/v1alpha1',
  kind: 'Platform',
  metadata: { namespace: 'quire', name },
  status: {
    conditions: Object.entries(conditions).map(([type, status]) => ({
      type,
      status,
      reason: 'Test',
      message: '',
      lastTransitionTime: '2026-01-01T10:00:00Z',
    })),
  },
});

/** A cache and a leadership flag the test changes, and the gauge's series as a scrape sees them. */
function setUp() {
  const cache = new Map<string, KubeObject>();
  let leading = true;
  const registry = new Registry();
  const gauge = createConditionMetric(registry, {
    name: 'quire_platform_condition',
    help: 'The status of each condition of a Platform',
    objectLabel: 'platform',
    source: { objects: () => cache.values(), reporting: () => leading },
  });
  const scrape = async () =>
    Object.fromEntries(
      (await gauge.get()).values.map((v) => [
        `${v.labels.platform}/${v.labels.type}/${v.labels.status}`,
        v.value,
      ]),
    );
  return {
    cache,
    registry,
    scrape,
    setLeading: (value: boolean) => {
      leading = value;
    },
  };
}

describe('the condition metric', () => {
  it('when a Platform has conditions, it reports 1 for the status each has and 0 for the other two', async () => {
    const { cache, scrape } = setUp();
    cache.set('a', platform('a', { Ready: 'False', Stalled: 'True', ReconciliationPaused: 'Unknown' }));
    expect(await scrape()).toEqual({
      'a/Ready/True': 0,
      'a/Ready/False': 1,
      'a/Ready/Unknown': 0,
      'a/Stalled/True': 1,
      'a/Stalled/False': 0,
      'a/Stalled/Unknown': 0,
      'a/ReconciliationPaused/True': 0,
      'a/ReconciliationPaused/False': 0,
      'a/ReconciliationPaused/Unknown': 1,
    });
  });

  it('when the status changes, the next scrape follows it, and a condition that is gone leaves no series', async () => {
    const { cache, scrape } = setUp();
    cache.set('a', platform('a', { Ready: 'False', Stalled: 'True' }));
    await scrape();
    cache.set('a', platform('a', { Ready: 'True' }));
    expect(await scrape()).toEqual({ 'a/Ready/True': 1, 'a/Ready/False': 0, 'a/Ready/Unknown': 0 });
  });

  it('when a Platform is deleted, its series go and the others stay', async () => {
    const { cache, scrape } = setUp();
    cache.set('a', platform('a', { Ready: 'True' }));
    cache.set('b', platform('b', { Ready: 'False' }));
    await scrape();
    cache.delete('a');
    expect(await scrape()).toEqual({ 'b/Ready/True': 0, 'b/Ready/False': 1, 'b/Ready/Unknown': 0 });
  });

  it('when the replica does not lead, it reports no Platform, and reports them again once it leads', async () => {
    const { cache, scrape, setLeading } = setUp();
    cache.set('a', platform('a', { Ready: 'True' }));
    setLeading(false);
    expect(await scrape()).toEqual({});
    setLeading(true);
    expect(await scrape()).toMatchObject({ 'a/Ready/True': 1 });
  });

  it('when a Platform has no status yet, it reports nothing for it', async () => {
    const { cache, scrape } = setUp();
    cache.set('new', { ...platform('new', {}), status: undefined });
    expect(await scrape()).toEqual({});
  });

  it('serves its help text and namespaced labels on /metrics', async () => {
    const { cache, registry } = setUp();
    cache.set('a', platform('a', { Ready: 'True' }));
    const text = await registry.metrics();
    expect(text).toContain('# HELP quire_platform_condition The status of each condition of a Platform');
    expect(text).toContain(
      'quire_platform_condition{namespace="quire",platform="a",type="Ready",status="True"} 1',
    );
  });
});
