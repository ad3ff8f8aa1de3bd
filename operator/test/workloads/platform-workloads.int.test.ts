// A Platform reconciled into its seven workloads on the local cluster (real API server, scheduler and
// controllers; kwok nodes in three zones), by the operator running in-process and watching only the
// test's namespace, which enforces the PodSecurity `restricted` profile.

import { type TestNamespace, waitFor } from '@quire/dev';
import { serviceCatalogue, serviceNames } from '@quire/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeKind, platformKind, podKind } from '../../src/render/kinds.js';
import { selectorLabels } from '../../src/render/labels.js';
import { type KubeObject, kinds, resourcePath } from '../../src/runtime/resource-kind.js';
import {
  applyPlatform,
  client,
  getObject,
  kubectl,
  listObjects,
  operatedNamespace,
  patchPlatformSpec,
  settled,
  sleep,
  type startTestOperator,
  waitForCondition,
} from './operator-fixtures.js';

const selector = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
const replicasOf = (d: KubeObject | undefined) => (d?.spec as { replicas?: number } | undefined)?.replicas;

describe('a Platform reconciled into its workloads', () => {
  let ns: TestNamespace;
  let operator: Awaited<ReturnType<typeof startTestOperator>>;
  let close: (() => Promise<void>) | undefined;
  const deployment = (service: string) => getObject(kinds.deployment, ns.name, `quire-${service}`);

  beforeAll(async () => {
    ({ ns, operator, close } = await operatedNamespace('workloads'));
  });
  afterAll(async () => {
    await close?.();
  });

  it('becomes Ready within seconds of applying the minimal sample, as kubectl wait sees it', async () => {
    const started = performance.now();
    await applyPlatform(ns.name);
    await kubectl('wait', '--for=condition=Ready', 'platform/quire', '-n', ns.name, '--timeout=120s');
    const seconds = (performance.now() - started) / 1000;
    console.info(`minimal sample: apply to Ready in ${seconds.toFixed(1)} s`);
    const platform = await getObject(platformKind, ns.name, 'quire');
    expect(platform?.status).toMatchObject({ observedGeneration: 1, servicesReady: '8/8' });
    expect(seconds).toBeLessThan(60);
  });

  it('issues each service its certificate Secret before its pods start, and reports the expiries', async () => {
    const platform = await getObject(platformKind, ns.name, 'quire');
    const status = platform?.status as
      | { conditions?: Array<{ type: string; status: string }>; certificates?: Array<{ secretName: string }> }
      | undefined;
    expect(status?.conditions?.find((c) => c.type === 'CertificatesReady')?.status).toBe('True');
    for (const service of serviceNames) {
      const secret = await getObject(kinds.secret, ns.name, `quire-${service}-tls`);
      expect(secret?.type, `the ${service} certificate Secret`).toBe('kubernetes.io/tls');
      expect(secret?.metadata.ownerReferences?.[0]?.uid).toBe(platform?.metadata.uid);
      expect(status?.certificates?.map((c) => c.secretName)).toContain(`quire-${service}-tls`);
    }
  });

  it('creates the Kafka topics and migrates each schema before the workloads, with a database login per service', async () => {
    const platform = await getObject(platformKind, ns.name, 'quire');
    const conditions = (platform?.status as { conditions?: Array<{ type: string; status: string }> })
      ?.conditions;
    for (const type of ['TopicsReady', 'SchemasReady', 'WorkloadsReady']) {
      expect(conditions?.find((c) => c.type === type)?.status, type).toBe('True');
    }
    expect(platform?.metadata.finalizers).toContain('platform.quire.dev/external-state');
    for (const service of serviceNames.filter((s) => serviceCatalogue[s].hasSchema)) {
      const login = await getObject(kinds.secret, ns.name, `quire-${service}-postgres`);
      expect(Object.keys((login?.data as Record<string, string>) ?? {}).sort(), service).toEqual([
        'password',
        'username',
      ]);
    }
  });

  it("runs each service with the seed's replica count, spread evenly over the three zones, in a restricted namespace", async () => {
    const nodes = new Map((await listObjects(nodeKind, undefined)).map((n) => [n.metadata.name, n]));
    for (const service of serviceNames) {
      const pods = await listObjects(podKind, ns.name, selector(selectorLabels('quire', service)));
      const perZone: Record<string, number> = { 'zone-a': 0, 'zone-b': 0, 'zone-c': 0 };
      for (const pod of pods) {
        const node = nodes.get((pod.spec as { nodeName?: string }).nodeName);
        const zone = node?.metadata.labels?.['topology.kubernetes.io/zone'] ?? 'none';
        perZone[zone] = (perZone[zone] ?? 0) + 1;
      }
      const counts = Object.values(perZone);
      expect(pods, service).toHaveLength(serviceCatalogue[service].defaultReplicas);
      expect(
        Math.max(...counts) - Math.min(...counts),
        `${service}: ${JSON.stringify(perZone)}`,
      ).toBeLessThanOrEqual(1);
    }
    const namespace = await getObject(kinds.namespace, '', ns.name);
    expect(namespace?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('performs zero writes on a steady-state resync', async () => {
    const before = await settled(operator);
    const reconciles = async () =>
      (await operator.metrics.reconcileTotal.get()).values.reduce((sum, v) => sum + v.value, 0);
    const reconciledBefore = await reconciles();
    operator.manager.informers.resync();
    const after = await settled(operator);
    expect(await reconciles()).toBeGreaterThan(reconciledBefore);
    expect(after - before).toBe(0);
  });

  it('reverts a deleted Deployment, replicas edited by hand and a deleted NetworkPolicy', async () => {
    const uid = (await deployment('auth'))?.metadata.uid;
    await client.request(
      'DELETE',
      resourcePath(kinds.deployment, { namespace: ns.name, name: 'quire-auth' }),
    );
    await waitFor('the deleted Deployment to be recreated', async () => {
      const d = await deployment('auth');
      return d && d.metadata.uid !== uid ? d : undefined;
    });

    await kubectl('scale', 'deployment/quire-document', '--replicas=7', '-n', ns.name);
    await waitFor('the hand-edited replicas to be reverted', async () =>
      replicasOf(await deployment('document')) === 4 ? true : undefined,
    );

    await client.request(
      'DELETE',
      resourcePath(kinds.networkPolicy, { namespace: ns.name, name: 'quire-default-deny' }),
    );
    await waitFor('the deleted NetworkPolicy to be recreated', async () =>
      getObject(kinds.networkPolicy, ns.name, 'quire-default-deny'),
    );
    await waitForCondition(ns.name, 'quire', 'Ready', 'True');
  });

  it('rolls out only the Deployment whose replica count changed in the Platform', async () => {
    await settled(operator);
    const generations = async () =>
      Object.fromEntries(
        await Promise.all(serviceNames.map(async (s) => [s, (await deployment(s))?.metadata.generation])),
      );
    const before = await generations();
    await patchPlatformSpec(ns.name, 'quire', { services: { user: { replicas: 3 } } });
    await waitForCondition(ns.name, 'quire', 'Ready', 'True', {
      match: (p) =>
        (p.status as { observedGeneration?: number }).observedGeneration === p.metadata.generation,
    });
    const after = await generations();
    expect(replicasOf(await deployment('user'))).toBe(3);
    expect(after.user).toBe((before.user as number) + 1);
    expect({ ...after, user: 0 }).toEqual({ ...before, user: 0 });
  });

  it('stops all writes while paused, and catches up when resumed', async () => {
    await patchPlatformSpec(ns.name, 'quire', { paused: true });
    await waitForCondition(ns.name, 'quire', 'ReconciliationPaused', 'True');
    const before = await settled(operator);
    await client.request(
      'DELETE',
      resourcePath(kinds.deployment, { namespace: ns.name, name: 'quire-audit' }),
    );
    await kubectl('scale', 'deployment/quire-search', '--replicas=1', '-n', ns.name);
    await sleep(3000);
    expect(await settled(operator)).toBe(before);
    expect(await deployment('audit')).toBeUndefined();

    await patchPlatformSpec(ns.name, 'quire', { paused: false });
    await waitForCondition(ns.name, 'quire', 'Ready', 'True', {
      match: (p) =>
        (p.status as { observedGeneration?: number }).observedGeneration === p.metadata.generation,
    });
    expect(replicasOf(await deployment('audit'))).toBe(2);
    expect(replicasOf(await deployment('search'))).toBe(3);
  });

  it('leaves nothing behind when the Platform is deleted', async () => {
    await client.request('DELETE', resourcePath(platformKind, { namespace: ns.name, name: 'quire' }));
    const owned = [
      kinds.deployment,
      kinds.service,
      kinds.serviceAccount,
      kinds.configMap,
      kinds.podDisruptionBudget,
      kinds.networkPolicy,
    ];
    await waitFor(
      'garbage collection of everything the Platform created',
      async () => {
        const left = await Promise.all(
          owned.map((k) => listObjects(k, ns.name, 'platform.quire.dev/platform=quire')),
        );
        return left.every((l) => l.length === 0) ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
  });
});
