/**
 * What a cluster administrator does before applying a Platform: install the CRDs, and prepare what
 * the Platform only references: its namespace, the Secrets, a database and the buckets (the
 * services never create buckets, and the operator creates schemas but not databases).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { stackSetting } from '@quire/dev';
import pg from 'pg';
import { apply, waitEstablished } from './kube.ts';
import { repoRoot, type UpSettings } from './settings.ts';

const run = promisify(execFile);

/** The Gateway API release whose CRDs the HTTPRoutes are admitted against (as dev/tools/versions.env pins it). */
function gatewayApiVersion(): string {
  const text = readFileSync(join(repoRoot, 'dev', 'tools', 'versions.env'), 'utf8');
  return /^GATEWAY_API_VERSION=(\S+)/m.exec(text)?.[1] ?? '1.4.1';
}

/**
 * Installs the Platform CRD and the standard Gateway API CRDs (from the Go module proxy, as the
 * upstream project publishes them), so the operator renders HTTPRoutes: the route table the
 * gateway is generated from. The operator looks for the Gateway API once, at start, so this comes first.
 */
export async function installCrds(): Promise<void> {
  const { stdout } = await run(
    'go',
    ['mod', 'download', '-json', `sigs.k8s.io/gateway-api@v${gatewayApiVersion()}`],
    {
      cwd: tmpdir(),
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
      timeout: 180_000,
    },
  ).catch((error: Error) => {
    throw new Error(
      `Could not fetch the Gateway API CRDs with \`go mod download\` (is Go installed?): ${error.message}`,
    );
  });
  const dir = (JSON.parse(stdout) as { Dir: string }).Dir;
  const gatewayCrds = ['gatewayclasses', 'gateways', 'httproutes'].map(
    (c) => `${dir}/config/crd/standard/gateway.networking.k8s.io_${c}.yaml`,
  );
  await apply([], [join(repoRoot, 'crds'), ...gatewayCrds]);
  await waitEstablished('platforms.platform.quire.dev');
  await waitEstablished('httproutes.gateway.networking.k8s.io');
}

/** The stack's PostgreSQL superuser URL, parsed. */
export const adminPostgres = () => new URL(stackSetting('QUIRE_POSTGRES_URL'));

/** The namespace (restricted pods, as production) and the Secrets the Platform references. */
export async function createNamespaceAndSecrets(s: UpSettings): Promise<void> {
  const pgUrl = adminPostgres();
  const secret = (name: string, stringData: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: s.namespace },
    stringData,
  });
  await apply([
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: s.namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    },
    secret('quire-postgres-admin', {
      username: decodeURIComponent(pgUrl.username),
      password: decodeURIComponent(pgUrl.password),
    }),
    secret('quire-object-storage', {
      'access-key-id': stackSetting('QUIRE_S3_ACCESS_KEY_ID'),
      'secret-access-key': stackSetting('QUIRE_S3_SECRET_ACCESS_KEY'),
    }),
  ]);
}

/** Creates the Platform's database when missing. */
export async function ensureDatabase(s: UpSettings): Promise<void> {
  const client = new pg.Client({ connectionString: stackSetting('QUIRE_POSTGRES_URL') });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [s.database]);
    if (!rowCount) await client.query(`CREATE DATABASE "${s.database}"`);
  } finally {
    await client.end();
  }
}

/** Creates the document and export buckets when missing. */
export async function ensureBuckets(s: UpSettings): Promise<void> {
  const s3 = new S3Client({
    endpoint: stackSetting('QUIRE_S3_ENDPOINT'),
    region: stackSetting('QUIRE_S3_REGION'),
    forcePathStyle: true,
    credentials: {
      accessKeyId: stackSetting('QUIRE_S3_ACCESS_KEY_ID'),
      secretAccessKey: stackSetting('QUIRE_S3_SECRET_ACCESS_KEY'),
    },
  });
  try {
    for (const bucket of Object.values(s.buckets)) {
      const exists = await s3.send(new HeadBucketCommand({ Bucket: bucket })).then(
        () => true,
        () => false,
      );
      if (!exists) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    }
  } finally {
    s3.destroy();
  }
}
