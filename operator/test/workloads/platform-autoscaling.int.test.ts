// A service switched from fixed replicas to autoscaling and back, on the local cluster, whose
// kube-controller-manager runs the real HorizontalPodAutoscaler controller (with no metrics server,
// it only keeps the count within the bounds). The switch must not let the Deployment fall back to
// one replica, as it would were `spec.replicas` simply dropped from the operator's apply.

import { type TestNamespace, waitFor } from '@quire/dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replicasHandoff } from '../../src/reconcile/workloads.js';
import { horizontalPodAutoscalerKind } from '../../src/render/kinds.js';
import { ownersOf } from '../../src/runtime/field-handoff.js';
import { type KubeObject, kinds } from '../../src/runtime/resource-kind.js';
import {
  applyPlatform,
  getObject,
  operatedNamespace,
  patchPlatformSpec,
  settled,
  sleep,
  type startTestOperator,
  waitForCondition,
} from './operator-fixtures.js';

const replicasOf = (d: KubeObject | undefined) => (d?.spec as { replicas?: number } | undefined)?.replicas;
const caughtUp = (p: KubeObject) =>
  (p.status as { observedGeneration?: number }).observedGeneration === p.metadata.generation;

describe('a service switched between fixed replicas and autoscaling', () => {
  let ns: TestNamespace;
  let operator: Awaited<ReturnType<typeof startTestOperator>>;
  let close: (() => Promise<void>) | undefined;
  const document = () => getObject(kinds.deployment, ns.name, 'quire-document');

  beforeAll(async () => {
    ({ ns, operator, close } = await operatedNamespace('autoscaling'));
    await applyPlatform(ns.name, (m) => {
      m.spec.services = { ...m.spec.services, document: { replicas: 4 } };
    });
    await waitForCondition(ns.name, 'quire', 'Ready', 'True', { timeoutMs: 120_000 });
  });
  afterAll(async () => {
    await close?.();
  });

  it('keeps the replica count through the switch to autoscaling, and leaves the field to others', async () => {
    expect(replicasOf(await document())).toBe(4);
    const seen: Array<number | undefined> = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        seen.push(replicasOf(await document()));
        await sleep(50);
      }
    })();

    await patchPlatformSpec(ns.name, 'quire', {
      services: { document: { autoscaling: { minReplicas: 2, maxReplicas: 6 } } },
    });
    await waitForCondition(ns.name, 'quire', 'Ready', 'True', { match: caughtUp });
    await settled(operator);
    // Long enough for the autoscaler's first sync (every 15 s by default) to act on a dropped count.
    await sleep(3000);
    watching = false;
    await watch;

    console.info(
      `spec.replicas seen through the switch: ${[...new Set(seen)].join(', ')} (${seen.length} reads)`,
    );
    expect(Math.min(...seen.map((r) => r ?? 0))).toBeGreaterThanOrEqual(4);
    const hpa = await getObject(horizontalPodAutoscalerKind, ns.name, 'quire-document');
    expect(hpa?.spec).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
    const owners = ownersOf((await document())?.metadata.managedFields, replicasHandoff.path);
    expect(owners.map((o) => o.manager)).not.toContain('quire-operator');
    expect(owners.length).toBeGreaterThan(0);
  });

  it('sets the fixed count again when autoscaling is switched off, and removes the autoscaler', async () => {
    await patchPlatformSpec(ns.name, 'quire', {
      services: { document: { autoscaling: null, replicas: 3 } },
    });
    // Ready is not awaited: scaling down may leave a zone without a pod (a ReplicaSet picks pods to
    // delete by node, not by zone), which the workloads phase reports as a rollout in progress.
    await waitFor('the fixed count and no autoscaler', async () => {
      const [deployment, hpa] = await Promise.all([
        document(),
        getObject(horizontalPodAutoscalerKind, ns.name, 'quire-document'),
      ]);
      return replicasOf(deployment) === 3 && !hpa ? deployment : undefined;
    });
    await settled(operator);
    const deployment = await document();
    expect(replicasOf(deployment)).toBe(3);
    expect(ownersOf(deployment?.metadata.managedFields, replicasHandoff.path).map((o) => o.manager)).toEqual([
      'quire-operator',
    ]);
  });
});
