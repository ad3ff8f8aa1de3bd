import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../../test/workloads/fake-cluster.js';
import { samplePlatform } from '../../test/workloads/sample-platforms.js';
import { platformKind, podKind } from '../render/kinds.js';
import { ApiError } from '../runtime/api-client.js';
import { findCondition } from '../runtime/conditions.js';
import { silentLogger } from '../runtime/logger.js';
import type { KubeObject } from '../runtime/resource-kind.js';
import type { Status } from '../runtime/status-writer.js';
import { createPlatformReconciler } from './orchestrator.js';
import { rebalanceRecheckMs } from './workloads.js';

const key = { namespace: 'quire-test', name: 'quire' };
const ctx = { signal: new AbortController().signal, log: silentLogger, reconcileId: 'test', retries: 0 };

/** A Ready Platform whose three document pods a scale-down left 2-0-1: quire-document-1 moved to zone-a. */
async function unevenDocument() {
  const cluster = new FakeCluster();
  cluster.addNodes();
  cluster.put(
    platformKind,
    samplePlatform('platform-minimal', (m) => {
      m.spec.services = { ...m.spec.services, document: { replicas: 3 } };
    }) as unknown as KubeObject,
  );
  const reconcile = createPlatformReconciler(cluster.deps());
  await reconcile(key, ctx);
  cluster.runDeployments();
  const moved = cluster.get(podKind, { namespace: key.namespace, name: 'quire-document-1' });
  if (!moved) throw new Error('the fake cluster made no quire-document-1');
  moved.spec = { nodeName: 'zone-a-2' };
  const condition = (type: string) =>
    findCondition((cluster.get(platformKind, key)?.status as Status | undefined)?.conditions, type);
  return { cluster, reconcile, condition };
}

describe('the workloads phase, with a service left unevenly spread over the zones', () => {
  it('evicts one pod of the crowded zone, records why, and looks again shortly', async () => {
    const { cluster, reconcile, condition } = await unevenDocument();
    const result = await reconcile(key, ctx);
    expect(cluster.evictions).toEqual(['quire-test/quire-document-0']);
    const rebalanced = cluster.events.filter((e) => e.reason === 'ZoneRebalanced');
    expect(rebalanced).toEqual([
      {
        type: 'Normal',
        reason: 'ZoneRebalanced',
        action: 'Evict',
        note: 'Evicted pod quire-document-0 of document from zone-a (2 ready, share 1) so its replacement is scheduled into zone-b (0 ready, share 1)',
      },
    ]);
    expect(result).toEqual({ requeueAfterMs: rebalanceRecheckMs });
    expect(condition('WorkloadsReady')).toMatchObject({ status: 'False', reason: 'RolloutInProgress' });
  });

  it('evicts nothing more while the evicted pod has no replacement yet', async () => {
    const { cluster, reconcile } = await unevenDocument();
    await reconcile(key, ctx);
    await reconcile(key, ctx);
    expect(cluster.evictions).toHaveLength(1);
  });

  it('when the disruption budget holds the eviction off, records nothing and tries again later', async () => {
    const { cluster, reconcile } = await unevenDocument();
    cluster.evictionAnswer = async () => ({ result: 'blocked', message: 'Cannot evict pod' });
    const result = await reconcile(key, ctx);
    expect(cluster.evictions).toEqual([]);
    expect(cluster.events.filter((e) => e.action === 'Evict')).toEqual([]);
    expect(result).toEqual({ requeueAfterMs: rebalanceRecheckMs });
  });

  it('when the eviction is refused, says so in a Warning Event and tries again later', async () => {
    const { cluster, reconcile, condition } = await unevenDocument();
    cluster.evictionAnswer = async () => {
      throw new ApiError(403, { message: 'pods "quire-document-0" is forbidden' }, 'HTTP 403');
    };
    const result = await reconcile(key, ctx);
    expect(cluster.events.filter((e) => e.reason === 'ZoneRebalanceFailed')).toEqual([
      {
        type: 'Warning',
        reason: 'ZoneRebalanceFailed',
        action: 'Evict',
        note: 'Could not evict pod quire-document-0 of document from zone-a to rebalance the zones: pods "quire-document-0" is forbidden',
      },
    ]);
    expect(result).toEqual({ requeueAfterMs: rebalanceRecheckMs });
    expect(condition('WorkloadsReady')?.message).toContain('ready per zone: zone-b 0/1');
  });

  it('evicts nothing once every zone holds its share', async () => {
    const cluster = new FakeCluster();
    cluster.addNodes();
    cluster.put(platformKind, samplePlatform('platform-minimal') as unknown as KubeObject);
    const reconcile = createPlatformReconciler(cluster.deps());
    await reconcile(key, ctx);
    cluster.runDeployments();
    await reconcile(key, ctx);
    expect(cluster.evictions).toEqual([]);
  });
});
