// Routing from a Gateway API Gateway: with the Gateway API CRDs installed (from the Go module cache,
// as the upstream project publishes them), a Platform with spec.gateway gets one HTTPRoute per routed
// service and one for the web app, which the API server admits against the CRDs' own validation;
// removing spec.gateway prunes them.
import { type TestNamespace, waitFor } from '@quire/dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRouteKind } from '../../src/render/kinds.js';
import { installGatewayApi } from './gateway-api.js';
import { applyPlatform, listObjects, operatedNamespace, waitForCondition } from './operator-fixtures.js';

describe('a Platform routed from a Gateway', () => {
  let ns: TestNamespace;
  let close: (() => Promise<void>) | undefined;
  const gateway = {
    parentRef: { name: 'public', namespace: 'gateway-system', sectionName: 'https' },
    hostnames: ['docs.example.com'],
  };

  beforeAll(async () => {
    await installGatewayApi();
    ({ ns, close } = await operatedNamespace('gateway'));
  });
  afterAll(async () => {
    await close?.();
  });

  it('gets one HTTPRoute per service with public paths and one for the web app, admitted by the Gateway API validation, and loses them without spec.gateway', async () => {
    await applyPlatform(ns.name, (m) => (m.spec.gateway = gateway));
    await waitForCondition(ns.name, 'quire', 'Ready', 'True');
    const routes = await listObjects(httpRouteKind, ns.name);
    expect(routes.map((r) => r.metadata.name).sort()).toEqual([
      'quire-audit',
      'quire-auth',
      'quire-document',
      'quire-notification',
      'quire-search',
      'quire-user',
      'quire-web',
    ]);
    const user = routes.find((r) => r.metadata.name === 'quire-user');
    expect(user?.spec).toMatchObject({
      parentRefs: [{ name: 'public', namespace: 'gateway-system', sectionName: 'https' }],
      hostnames: ['docs.example.com'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/v1/users' } }],
          backendRefs: [{ name: 'quire-user', port: 8080 }],
        },
      ],
    });

    await applyPlatform(ns.name);
    await waitFor('the routes to be pruned', async () =>
      (await listObjects(httpRouteKind, ns.name)).length === 0 ? true : undefined,
    );
    await waitForCondition(ns.name, 'quire', 'Ready', 'True');
  });
});
