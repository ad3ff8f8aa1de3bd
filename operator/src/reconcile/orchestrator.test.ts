import { describe, expect, it } from 'vitest';
import { FakeCluster } from '../../test/workloads/fake-cluster.js';
import { samplePlatform } from '../../test/workloads/sample-platforms.js';
import { platformKind } from '../render/kinds.js';
import { findCondition } from '../runtime/conditions.js';
import { TerminalError } from '../runtime/controller.js';
import { silentLogger } from '../runtime/logger.js';
import { controllerReference } from '../runtime/ownership.js';
import { type KubeObject, kinds } from '../runtime/resource-kind.js';
import type { Status } from '../runtime/status-writer.js';
import { createPlatformReconciler } from './orchestrator.js';
import type { Phase } from './scope.js';

const key = { namespace: 'quire-test', name: 'quire' };
const ctx = { signal: new AbortController().signal, log: silentLogger, reconcileId: 'test', retries: 0 };

function setUp(edit?: Parameters<typeof samplePlatform>[1]) {
  const cluster = new FakeCluster();
  cluster.addNodes();
  cluster.put(platformKind, samplePlatform('platform-minimal', edit) as unknown as KubeObject);
  const platform = () => cluster.get(platformKind, key) as KubeObject;
  const condition = (type: string) =>
    findCondition((platform().status as Status | undefined)?.conditions, type);
  return { cluster, platform, condition, reconcile: createPlatformReconciler(cluster.deps()) };
}

describe('the Platform reconciler', () => {
  it('marks a new Platform Ready=False before any phase runs', async () => {
    const { cluster, condition } = setUp();
    let seen: string | undefined;
    const probe: Phase = {
      name: 'probe',
      conditionType: 'ProbeReady',
      run: async () => {
        seen = condition('Ready')?.status;
        return { condition: { type: 'ProbeReady', status: 'True', reason: 'Reconciled', message: 'ok' } };
      },
    };
    await createPlatformReconciler(cluster.deps(), [probe])(key, ctx);
    expect(seen).toBe('False');
    expect(condition('Ready')?.status).toBe('True');
  });

  it('becomes Ready with observedGeneration once the workloads run, and writes nothing on the next pass', async () => {
    const { cluster, platform, condition, reconcile } = setUp();
    await reconcile(key, ctx);
    expect(condition('WorkloadsReady')).toMatchObject({ status: 'False', reason: 'RolloutInProgress' });
    expect(condition('Reconciling')?.status).toBe('True');
    cluster.runDeployments();
    await reconcile(key, ctx);
    expect(condition('Ready')).toMatchObject({ status: 'True', reason: 'Reconciled', observedGeneration: 1 });
    expect(condition('Stalled')?.status).toBe('False');
    expect(platform().status).toMatchObject({ observedGeneration: 1, servicesReady: '8/8' });
    expect(cluster.events.map((e) => e.reason)).toEqual(['Applied', 'Ready']);

    const writes = cluster.writes.length;
    await reconcile(key, ctx);
    expect(cluster.writes.slice(writes)).toEqual([]);
  });

  it('changes nothing but its own condition while paused', async () => {
    const { cluster, condition, reconcile } = setUp((m) => (m.spec.paused = true));
    await reconcile(key, ctx);
    expect(cluster.writes).toEqual(['status quire']);
    expect(condition('ReconciliationPaused')).toMatchObject({ status: 'True', reason: 'Paused' });
    expect(condition('Ready')).toMatchObject({ status: 'False', reason: 'Paused' });
    await reconcile(key, ctx);
    expect(cluster.writes).toEqual(['status quire']);
  });

  it('reports a failing phase, keeps the old observedGeneration, and rethrows for a retry with backoff', async () => {
    const { cluster, platform, condition } = setUp();
    const broken: Phase = {
      name: 'broken',
      conditionType: 'BrokenReady',
      run: async () => {
        throw new Error('the API server answered 500');
      },
    };
    await expect(createPlatformReconciler(cluster.deps(), [broken])(key, ctx)).rejects.toThrow(
      'answered 500',
    );
    expect(condition('Ready')).toMatchObject({ status: 'False', reason: 'ReconcileFailed' });
    expect(condition('Ready')?.message).toContain('the API server answered 500');
    expect(condition('BrokenReady')?.status).toBe('Unknown');
    expect((platform().status as Status).observedGeneration).toBeUndefined();
  });

  it('stops at an invalid spec with Stalled and a terminal error naming the field', async () => {
    const { cluster, condition, reconcile } = setUp();
    const stored = cluster.get(platformKind, key) as KubeObject;
    (stored.spec as { version: string }).version = '-not a tag';
    await expect(reconcile(key, ctx)).rejects.toBeInstanceOf(TerminalError);
    expect(condition('Stalled')).toMatchObject({ status: 'True' });
    expect(condition('Stalled')?.message).toContain('spec.version');
  });

  it('ends quietly when the Platform is gone', async () => {
    const cluster = new FakeCluster();
    await expect(createPlatformReconciler(cluster.deps())(key, ctx)).resolves.toBeUndefined();
    expect(cluster.writes).toEqual([]);
  });

  it('prunes what a new spec no longer wants', async () => {
    const { cluster, reconcile } = setUp();
    await reconcile(key, ctx);
    const stored = cluster.get(platformKind, key) as KubeObject;
    (stored.spec as { services: Record<string, { replicas: number }> }).services.audit = {
      replicas: 1,
    } as never;
    await reconcile(key, ctx);
    expect(cluster.writes).toContain('delete PodDisruptionBudget quire-audit');
  });

  it('removes every object of the web app when it is disabled, and counts only the services as ready', async () => {
    const { cluster, platform, reconcile } = setUp();
    await reconcile(key, ctx);
    cluster.runDeployments();
    (platform().spec as { web: { enabled: boolean } }).web.enabled = false;
    await reconcile(key, ctx);
    expect(cluster.writes.filter((w) => w.startsWith('delete')).sort()).toEqual([
      'delete Deployment quire-web',
      'delete NetworkPolicy quire-web',
      'delete PodDisruptionBudget quire-web',
      'delete Service quire-web',
      'delete ServiceAccount quire-web',
    ]);
    expect(platform().status).toMatchObject({ servicesReady: '7/7' });
    expect((platform().status as { services: { name: string }[] }).services.map((s) => s.name)).not.toContain(
      'web',
    );
  });

  it("never prunes another phase's objects of the same kinds", async () => {
    const { cluster, reconcile } = setUp();
    const owner = cluster.get(platformKind, key) as KubeObject;
    cluster.put(kinds.configMap, {
      metadata: {
        name: 'quire-trust-bundle',
        namespace: key.namespace,
        labels: { 'platform.quire.dev/phase': 'certificates' },
        ownerReferences: [controllerReference(platformKind, owner)],
      },
    });
    await reconcile(key, ctx);
    expect(
      cluster.get(kinds.configMap, { namespace: key.namespace, name: 'quire-trust-bundle' }),
    ).toBeDefined();
  });

  it('reports Stalled, naming the zone and the fix, when a zone has no node', async () => {
    const cluster = new FakeCluster();
    cluster.addNodes(['zone-a', 'zone-b']);
    cluster.put(platformKind, samplePlatform() as unknown as KubeObject);
    const reconcile = createPlatformReconciler(cluster.deps());
    await reconcile(key, ctx);
    cluster.runDeployments(['zone-a', 'zone-b']);
    const result = await reconcile(key, ctx);
    const status = (cluster.get(platformKind, key) as KubeObject).status as Status;
    expect(findCondition(status.conditions, 'Stalled')).toMatchObject({
      status: 'True',
      reason: 'ReplicasUnavailable',
    });
    expect(findCondition(status.conditions, 'Stalled')?.message).toContain(
      'zone zone-c has no schedulable node (topology.kubernetes.io/zone=zone-c and platform.quire.dev/pool=zone-c)',
    );
    expect(result?.requeueAfterMs).toBeGreaterThan(0);
    expect(cluster.events.at(-1)).toMatchObject({ type: 'Warning', reason: 'Stalled' });
  });
});

describe('the Platform reconciler with external state', () => {
  const outcome = (type: string, status: 'True' | 'False') => ({
    condition: {
      type,
      status,
      reason: status === 'True' ? 'Reconciled' : 'Migrating',
      message: `${type} ${status}`,
    },
  });
  function external(schemasStatus: 'True' | 'False', cleanupDone: boolean[]) {
    const ran: string[] = [];
    const schemas: Phase = {
      name: 'schemas',
      conditionType: 'SchemasReady',
      run: async () => outcome('SchemasReady', schemasStatus),
      cleanup: async () => {
        ran.push('cleanup');
        const done = cleanupDone.shift() ?? true;
        return {
          done,
          message: done ? 'kept the schemas' : 'PostgreSQL is unreachable',
          requeueAfterMs: 5000,
        };
      },
    };
    const workloads: Phase = {
      name: 'workloads',
      conditionType: 'WorkloadsReady',
      requires: ['SchemasReady'],
      run: async () => {
        ran.push('workloads');
        return outcome('WorkloadsReady', 'True');
      },
    };
    return { ran, phases: [schemas, workloads] };
  }

  it('adds the finalizer before any phase touches external state', async () => {
    const { cluster, platform } = setUp();
    await createPlatformReconciler(cluster.deps(), external('True', []).phases)(key, ctx);
    expect(platform().metadata.finalizers).toEqual(['platform.quire.dev/external-state']);
    expect(cluster.writes[0]).toBe('finalizer+ platform.quire.dev/external-state');
  });

  it('rolls nothing out while the schemas are not migrated, and says what it waits for', async () => {
    const { cluster, condition } = setUp();
    const { ran, phases } = external('False', []);
    await createPlatformReconciler(cluster.deps(), phases)(key, ctx);
    expect(ran).not.toContain('workloads');
    expect(condition('WorkloadsReady')).toMatchObject({ status: 'False', reason: 'WaitingForDependency' });
    expect(condition('WorkloadsReady')?.message).toContain('Waiting for SchemasReady');
  });

  it('holds a deleted Platform until every cleanup is done, then releases it', async () => {
    const { cluster, platform } = setUp();
    const { ran, phases } = external('True', [false, true]);
    const reconcile = createPlatformReconciler(cluster.deps(), phases);
    await reconcile(key, ctx);
    platform().metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(await reconcile(key, ctx)).toEqual({ requeueAfterMs: 5000 });
    expect(platform().metadata.finalizers).toEqual(['platform.quire.dev/external-state']);
    expect(condition(platform(), 'Ready')).toMatchObject({ status: 'False', reason: 'Finalizing' });
    expect(await reconcile(key, ctx)).toBeUndefined();
    expect(platform().metadata.finalizers).toEqual([]);
    expect(ran.filter((r) => r === 'cleanup')).toHaveLength(2);
  });
});

function condition(object: KubeObject, type: string) {
  return findCondition((object.status as Status | undefined)?.conditions, type);
}
