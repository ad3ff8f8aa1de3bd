/**
 * The Gateway API CRDs on the local cluster, from the Go module cache as the upstream project
 * publishes them, so the operator renders HTTPRoutes and the API server admits them against the
 * CRDs' own validation.
 */
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { waitFor } from '@quire/dev';
import { client, kubectl } from './operator-fixtures.js';

const run = promisify(execFile);
const gatewayApiVersion = 'v1.4.1';

/** Installs the standard Gateway API CRDs of the pinned release (idempotent). */
export async function installGatewayApi(): Promise<void> {
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
