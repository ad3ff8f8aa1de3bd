// Routing from a Gateway API Gateway: with the Gateway API CRDs installed (from the Go module cache,
// as the upstream project publishes them), a Platform with spec.gateway gets one HTTPRoute per public
// service, which the API server admits against the CRDs' own validation; removing spec.gateway
// prunes them.
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { createTestNamespace, type TestNamespace, waitFor } from '@quire/dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRouteKind } from '../../src/render/kinds.js';
import {
  applyPlatform,
  client,
  createSampleSecrets,
  ensurePlatformCrd,
  kubectl,
  listObjects,
  startTestOperator,
  stopTestOperator,
  waitForCondition,
} from './operator-fixtures.js';

const run = promisify(execFile);
const gatewayApiVersion = 'v1.4.1';

/** Installs the standard Gateway API CRDs of the pinned release (idempotent). */
async function installGatewayApi(): Promise<void> {
  const { stdout } = await run(
    'go',
    ['mod', 'download', '-json', `sigs.k8s.io/gateway-api@${gatewayApiVersion}`],
    {
      cwd: tmpdir(),
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
      timeout: 120_000,
    },
  );
  const dir = (JSON.parse(stdout) as { Dir: string }).Dir;
  for (const crd of ['gatewayclasses', 'gateways', 'httproutes']) {
    await kubectl(
      'apply',
      '--server-side',
      '--field-manager',
      'quire-tests',
      '-f',
      `${dir}/config/crd/standard/gateway.networking.k8s.io_${crd}.yaml`,
    );
  }
  await kubectl(
    'wait',
    '--for=condition=Established',
    'crd/httproutes.gateway.networking.k8s.io',
    '--timeout=60s',
  );
  // Discovery of a new CRD can lag its Established condition by a moment.
  await waitFor('the HTTPRoute API to be served', async () =>
    client.request('GET', '/apis/gateway.networking.k8s.io/v1/httproutes').then(() => true),
  );
}

describe('a Platform routed from a Gateway', () => {
  let ns: TestNamespace;
  let operator: Awaited<ReturnType<typeof startTestOperator>>;
  const gateway = {
    parentRef: { name: 'public', namespace: 'gateway-system', sectionName: 'https' },
    hostnames: ['docs.example.com'],
  };

  beforeAll(async () => {
    await ensurePlatformCrd();
    await installGatewayApi();
    ns = await createTestNamespace('gateway', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    await createSampleSecrets(ns.name);
    operator = await startTestOperator(ns.name);
  });
  afterAll(async () => {
    await stopTestOperator(operator, ns?.name);
    await ns?.dispose();
  });

  it('gets one HTTPRoute per service with public paths, admitted by the Gateway API validation, and loses them without spec.gateway', async () => {
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
