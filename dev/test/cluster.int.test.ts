import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type V1Deployment, VersionApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiErrorMessage,
  clusterClients,
  createTestNamespace,
  httpStatusOf,
  type TestNamespace,
  waitFor,
} from '../src/cluster.js';
import { stackSetting } from '../src/stack-env.js';

const run = promisify(execFile);
const zones = ['zone-a', 'zone-b', 'zone-c'];
const pinnedVersion = `v${(await import('node:fs')).readFileSync(new URL('../versions.env', import.meta.url), 'utf8').match(/^K8S_VERSION=(.+)$/m)?.[1]}`;

describe('the local cluster', () => {
  let ns: TestNamespace;
  beforeAll(async () => {
    ns = await createTestNamespace('cluster-it');
  });
  afterAll(async () => {
    await ns?.dispose();
  });

  it('reports the pinned Kubernetes version to the API and to kubectl', async () => {
    const version = await clusterClients().kubeConfig.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toBe(pinnedVersion);
    const { stdout } = await run(stackSetting('QUIRE_KUBECTL'), ['version', '-o', 'json'], {
      env: { ...process.env, KUBECONFIG: stackSetting('KUBECONFIG') },
    });
    const parsed = JSON.parse(stdout) as {
      clientVersion: { gitVersion: string };
      serverVersion: { gitVersion: string };
    };
    expect(parsed.serverVersion.gitVersion).toBe(pinnedVersion);
    expect(parsed.clientVersion.gitVersion).toBe(pinnedVersion);
  });

  it('has three Ready nodes in each zone, each labelled with its pool', async () => {
    const nodes = await clusterClients().core.listNode({ labelSelector: 'type=kwok' });
    const byZone = new Map<string, number>();
    for (const node of nodes.items) {
      const labels = node.metadata?.labels ?? {};
      const zone = labels['topology.kubernetes.io/zone'] ?? 'none';
      expect(labels['platform.quire.dev/pool']).toBe(zone);
      expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      byZone.set(zone, (byZone.get(zone) ?? 0) + 1);
    }
    expect(Object.fromEntries(byZone)).toEqual({ 'zone-a': 3, 'zone-b': 3, 'zone-c': 3 });
  });

  it('spreads a six-replica Deployment two pods to a zone and reports it Available', async () => {
    const { apps, core } = clusterClients();
    const labels = { app: 'spread' };
    const deployment: V1Deployment = {
      metadata: { name: 'spread', namespace: ns.name },
      spec: {
        replicas: 6,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'topology.kubernetes.io/zone',
                whenUnsatisfiable: 'DoNotSchedule',
                labelSelector: { matchLabels: labels },
              },
            ],
            containers: [
              {
                name: 'app',
                image: 'registry.invalid/spread:1',
                resources: { requests: { cpu: '100m', memory: '64Mi' } },
              },
            ],
          },
        },
      },
    };
    await apps.createNamespacedDeployment({ namespace: ns.name, body: deployment });
    await waitFor(
      'Deployment spread to be Available with 6 ready replicas',
      async () => {
        const d = await apps.readNamespacedDeployment({ name: 'spread', namespace: ns.name });
        const available = d.status?.conditions?.find((c) => c.type === 'Available')?.status === 'True';
        return available && d.status?.readyReplicas === 6 ? d : undefined;
      },
      {
        timeoutMs: 60_000,
        describe: async () =>
          JSON.stringify(
            (await apps.readNamespacedDeployment({ name: 'spread', namespace: ns.name })).status,
          ),
      },
    );
    const pods = await core.listNamespacedPod({ namespace: ns.name, labelSelector: 'app=spread' });
    const nodes = await core.listNode({ labelSelector: 'type=kwok' });
    const zoneOf = new Map(
      nodes.items.map((n) => [n.metadata?.name, n.metadata?.labels?.['topology.kubernetes.io/zone']]),
    );
    const perZone = Object.fromEntries(
      zones.map((z) => [z, pods.items.filter((p) => zoneOf.get(p.spec?.nodeName) === z).length]),
    );
    expect(perZone).toEqual({ 'zone-a': 2, 'zone-b': 2, 'zone-c': 2 });
    expect(pods.items.every((p) => p.status?.phase === 'Running')).toBe(true);
  });

  it('garbage-collects the dependents of a deleted owner', async () => {
    const { core } = clusterClients();
    const owner = await core.createNamespacedConfigMap({
      namespace: ns.name,
      body: { metadata: { name: 'owner' } },
    });
    await core.createNamespacedConfigMap({
      namespace: ns.name,
      body: {
        metadata: {
          name: 'dependent',
          ownerReferences: [
            { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata?.uid ?? '' },
          ],
        },
      },
    });
    await core.deleteNamespacedConfigMap({
      name: 'owner',
      namespace: ns.name,
      propagationPolicy: 'Background',
    });
    await waitFor('the dependent ConfigMap to be garbage-collected', async () =>
      core.readNamespacedConfigMap({ name: 'dependent', namespace: ns.name }).then(
        () => undefined,
        (error: unknown) => (httpStatusOf(error) === 404 ? true : undefined),
      ),
    );
  });

  it('rejects a privileged pod in a namespace that enforces the restricted PodSecurity profile', async () => {
    const restricted = await createTestNamespace('restricted-it', {
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
    try {
      const attempt = clusterClients().core.createNamespacedPod({
        namespace: restricted.name,
        body: {
          metadata: { name: 'privileged' },
          spec: {
            containers: [{ name: 'c', image: 'registry.invalid/x:1', securityContext: { privileged: true } }],
          },
        },
      });
      const error = await attempt.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(httpStatusOf(error)).toBe(403);
      expect(apiErrorMessage(error)).toContain('violates PodSecurity "restricted:latest"');
    } finally {
      await restricted.dispose();
    }
  });
});
