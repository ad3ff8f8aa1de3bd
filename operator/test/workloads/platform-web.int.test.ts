// The web app on the local cluster: with spec.gateway set and the Gateway API CRDs installed, a
// Platform runs the web app's Deployment spread over the three zones in a restricted namespace and
// routes `/` to its Service, next to the services' routes, which stay as they were; disabling the web
// app removes every object of it and the status stops counting it.

import { type TestNamespace, waitFor } from '@quire/dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRouteKind, nodeKind, podKind } from '../../src/render/kinds.js';
import { kinds } from '../../src/runtime/resource-kind.js';
import { installGatewayApi } from './gateway-api.js';
import {
  applyPlatform,
  getObject,
  listObjects,
  operatedNamespace,
  patchPlatformSpec,
  waitForCondition,
} from './operator-fixtures.js';

interface ReadinessStatus {
  servicesReady?: string;
  services?: Array<{ name: string; readyReplicas: number; desiredReplicas: number }>;
}

const webSelector = 'app.kubernetes.io/name=web,platform.quire.dev/platform=quire';
const webKinds = [
  kinds.deployment,
  kinds.service,
  kinds.serviceAccount,
  kinds.podDisruptionBudget,
  kinds.networkPolicy,
  httpRouteKind,
];

describe('a Platform running the web app', () => {
  let ns: TestNamespace;
  let close: (() => Promise<void>) | undefined;
  const gateway = {
    parentRef: { name: 'public', namespace: 'gateway-system' },
    hostnames: ['docs.example.com'],
  };

  beforeAll(async () => {
    await installGatewayApi();
    ({ ns, close } = await operatedNamespace('web'));
  });
  afterAll(async () => {
    await close?.();
  });

  it('spreads its pods over the three zones and routes / to it, leaving the services their own prefixes', async () => {
    await applyPlatform(ns.name, (m) => {
      m.spec.gateway = gateway;
      m.spec.web = { replicas: 3 };
    });
    const ready = await waitForCondition(ns.name, 'quire', 'Ready', 'True');
    const status = ready.status as ReadinessStatus;
    expect(status.servicesReady).toBe('8/8');
    expect(status.services?.find((s) => s.name === 'web')).toMatchObject({
      desiredReplicas: 3,
      readyReplicas: 3,
    });

    const zones = new Map(
      (await listObjects(nodeKind, undefined)).map((n) => [
        n.metadata.name,
        n.metadata.labels?.['topology.kubernetes.io/zone'],
      ]),
    );
    const pods = await listObjects(podKind, ns.name, webSelector);
    expect(pods.map((p) => zones.get((p.spec as { nodeName?: string }).nodeName)).sort()).toEqual([
      'zone-a',
      'zone-b',
      'zone-c',
    ]);

    const routes = new Map((await listObjects(httpRouteKind, ns.name)).map((r) => [r.metadata.name, r.spec]));
    expect(routes.get('quire-web')).toMatchObject({
      hostnames: ['docs.example.com'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [{ kind: 'Service', name: 'quire-web', port: 8080 }],
        },
      ],
    });
    expect(routes.get('quire-document')).toMatchObject({
      rules: [
        {
          matches: [
            { path: { type: 'PathPrefix', value: '/v1/documents' } },
            { path: { type: 'PathPrefix', value: '/v1/exports' } },
          ],
          backendRefs: [{ name: 'quire-document', port: 8080 }],
        },
      ],
    });
    const service = await getObject(kinds.service, ns.name, 'quire-web');
    expect((service?.spec as { ports?: unknown[] } | undefined)?.ports).toEqual([
      expect.objectContaining({ name: 'http', port: 8080, appProtocol: 'http' }),
    ]);
  });

  it('removes every object of the web app when it is disabled, and reports only the services', async () => {
    await patchPlatformSpec(ns.name, 'quire', { web: { enabled: false } });
    await waitFor(
      'the web app to be pruned',
      async () => {
        const left = await Promise.all(webKinds.map((k) => listObjects(k, ns.name, webSelector)));
        return left.every((l) => l.length === 0) ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
    const ready = await waitForCondition(ns.name, 'quire', 'Ready', 'True', {
      match: (p) =>
        (p.status as { observedGeneration?: number }).observedGeneration === p.metadata.generation,
    });
    const status = ready.status as ReadinessStatus;
    expect(status.servicesReady).toBe('7/7');
    expect(status.services?.map((s) => s.name)).not.toContain('web');
    expect((await listObjects(httpRouteKind, ns.name)).map((r) => r.metadata.name).sort()).not.toContain(
      'quire-web',
    );
    expect(await listObjects(httpRouteKind, ns.name)).toHaveLength(6);
  });
});
