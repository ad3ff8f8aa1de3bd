// The chart's RBAC, proven on the local cluster with the real operator: dev/delivery/check.sh installs
// the chart (release QUIRE_DELIVERY_RELEASE in QUIRE_DELIVERY_RELEASE_NAMESPACE, watching
// QUIRE_DELIVERY_WATCHED_NAMESPACE), then this runs `node operator/dist/main.js` with a kubeconfig
// holding only a token of the chart's ServiceAccount. The operator reconciles the minimal sample to
// Ready without one refused request (sufficient), and requests outside the rules are refused (minimal).
// Without those variables (a plain `npm test`) it is skipped.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { stackSetting, waitFor } from '@quire/dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// What the operator's own end-to-end tests know about running the sample on the local stack: its
// Secrets, and its Kafka and PostgreSQL pointed at the stack's (the topics and schemas phases reach them).
import { createSampleSecrets, onLocalStack } from '../../../operator/test/workloads/operator-fixtures.js';
import { sampleManifest } from '../../../operator/test/workloads/sample-platforms.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..', '..');
const release = process.env.QUIRE_DELIVERY_RELEASE;
const releaseNamespace = process.env.QUIRE_DELIVERY_RELEASE_NAMESPACE ?? '';
const watched = process.env.QUIRE_DELIVERY_WATCHED_NAMESPACE ?? '';
const serviceAccount = process.env.QUIRE_DELIVERY_SERVICE_ACCOUNT ?? '';
const leaseName = process.env.QUIRE_DELIVERY_LEASE ?? 'quire-operator.platform.quire.dev';

/** kubectl with the admin kubeconfig, or with `kubeconfig`; resolves to stdout. */
async function kubectl(args: string[], kubeconfig = stackSetting('KUBECONFIG')): Promise<string> {
  const { stdout } = await run(stackSetting('QUIRE_KUBECTL'), ['--kubeconfig', kubeconfig, ...args], {
    timeout: 180_000,
  });
  return stdout;
}

/** kubectl's exit and stderr, for requests expected to be refused. */
async function kubectlResult(args: string[], kubeconfig: string): Promise<{ ok: boolean; stderr: string }> {
  try {
    await kubectl(args, kubeconfig);
    return { ok: true, stderr: '' };
  } catch (error) {
    return { ok: false, stderr: String((error as { stderr?: string }).stderr ?? error) };
  }
}

/** A kubeconfig for the local cluster's server that authenticates with `token` alone. */
function tokenKubeconfig(token: string, dir: string): string {
  const admin = new KubeConfig();
  admin.loadFromFile(stackSetting('KUBECONFIG'));
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('The admin kubeconfig has no current cluster');
  const user = new KubeConfig();
  user.loadFromOptions({
    clusters: [{ ...cluster, name: 'local' }],
    users: [{ name: serviceAccount, token }],
    contexts: [{ name: 'operator', cluster: 'local', user: serviceAccount }],
    currentContext: 'operator',
  });
  const file = join(dir, 'operator.kubeconfig');
  writeFileSync(file, user.exportConfig(), { mode: 0o600 });
  return file;
}

describe.skipIf(!release)('the chart RBAC, used by the real operator with its ServiceAccount token', () => {
  let dir: string;
  let kubeconfig: string;
  let operator: ChildProcess | undefined;
  let logFile: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quire-rbac-'));
    logFile = join(dir, 'operator.log');
    // A short-lived token from the TokenRequest API, as the kubelet mounts into the pod.
    const token = (
      await kubectl(['create', 'token', serviceAccount, '-n', releaseNamespace, '--duration=1h'])
    ).trim();
    kubeconfig = tokenKubeconfig(token, dir);
    // The Secrets the sample references are the user's, created with admin rights.
    await createSampleSecrets(watched);
  });

  afterAll(async () => {
    // The Platform goes first, while the operator runs: its finalizer releases the topics and schemas.
    await kubectl([
      'delete',
      'platform',
      'quire',
      '-n',
      watched,
      '--ignore-not-found',
      '--timeout=120s',
    ]).catch(() => undefined);
    if (operator && operator.exitCode === null) {
      operator.kill('SIGTERM');
      await new Promise((done) => operator?.once('exit', done));
    }
  });

  it('reconciles the minimal sample Platform to Ready with the chart ServiceAccount alone', async () => {
    const log = openSync(logFile, 'a');
    operator = spawn(process.execPath, [join(root, 'operator', 'dist', 'main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        KUBECONFIG: kubeconfig,
        POD_NAMESPACE: releaseNamespace,
        QUIRE_WATCH_NAMESPACES: watched,
        QUIRE_LEADER_ELECT: 'true',
        QUIRE_LEADER_ELECTION_ID: leaseName,
        QUIRE_METRICS_BIND_ADDRESS: '127.0.0.1:0',
        QUIRE_HEALTH_PROBE_BIND_ADDRESS: '127.0.0.1:0',
        QUIRE_LOG_LEVEL: 'debug',
      },
      stdio: ['ignore', log, log],
    });
    // examples/platform-minimal.yaml, pointed at the local stack's Kafka and PostgreSQL.
    const manifest = sampleManifest('platform-minimal');
    onLocalStack(manifest);
    const platformFile = join(dir, 'platform.json');
    writeFileSync(platformFile, JSON.stringify(manifest));
    await kubectl([
      'apply',
      '--server-side',
      '--field-manager=quire-delivery-tests',
      '-n',
      watched,
      '-f',
      platformFile,
    ]);
    await waitFor(
      'the operator to hold its Lease',
      async () => {
        const holder = await kubectl([
          'get',
          'lease',
          leaseName,
          '-n',
          releaseNamespace,
          '-o',
          'jsonpath={.spec.holderIdentity}',
        ]).catch(() => '');
        return holder !== '' ? holder : undefined;
      },
      {
        timeoutMs: 60_000,
        intervalMs: 500,
        describe: async () => readFileSync(logFile, 'utf8').slice(-2000),
      },
    );
    try {
      await kubectl(['wait', '--for=condition=Ready', 'platform/quire', '-n', watched, '--timeout=150s']);
    } catch (error) {
      throw new Error(
        `The Platform did not become Ready. Operator log tail:\n${readFileSync(logFile, 'utf8').slice(-4000)}`,
        {
          cause: error,
        },
      );
    }
    const status = JSON.parse(
      await kubectl(['get', 'platform', 'quire', '-n', watched, '-o', 'json']),
    ).status;
    expect(status.servicesReady).toBe('8/8');
    // Save the Ready Platform for the kstatus and Argo CD health checks (dev/tools/checks).
    if (process.env.QUIRE_DELIVERY_READY_PLATFORM) {
      writeFileSync(
        process.env.QUIRE_DELIVERY_READY_PLATFORM,
        await kubectl(['get', 'platform', 'quire', '-n', watched, '-o', 'json']),
      );
    }
  });

  it('was refused nothing on the way: no 403 in its log, and its Events were written', async () => {
    const text = readFileSync(logFile, 'utf8');
    const refused = text.split('\n').filter((line) => /forbidden|\b403\b/i.test(line));
    expect(refused, 'requests the operator was refused').toEqual([]);
    const events = JSON.parse(
      await kubectl(['get', 'events.events.k8s.io', '-n', watched, '-o', 'json']),
    ) as { items: Array<{ reportingController?: string }> };
    expect(events.items.some((e) => e.reportingController === 'platform.quire.dev/operator')).toBe(true);
  });

  it('is refused what the operator never does: Secrets elsewhere, deleting Nodes or Secrets, creating or deleting Platforms', async () => {
    const attempts: Array<[string, string[]]> = [
      ['list Secrets in kube-system', ['get', 'secrets', '-n', 'kube-system']],
      ['list Secrets in the default namespace', ['get', 'secrets', '-n', 'default']],
      ['delete a Node', ['delete', 'node', '--all', '--dry-run=server']],
      [
        'delete a Secret in the watched namespace',
        ['delete', 'secret', 'quire-postgres-admin', '-n', watched, '--dry-run=server'],
      ],
      [
        'create a Platform',
        ['create', '-n', watched, '-f', join(root, 'examples', 'platform-minimal.yaml'), '--dry-run=server'],
      ],
      ['delete a Platform', ['delete', 'platform', 'quire', '-n', watched, '--dry-run=server']],
      ['list Pods in kube-system', ['get', 'pods', '-n', 'kube-system']],
    ];
    for (const [what, args] of attempts) {
      const result = await kubectlResult(args, kubeconfig);
      expect(result.ok, `${what} should be refused`).toBe(false);
      expect(result.stderr, what).toMatch(/forbidden/i);
    }
  });

  it('may touch only its own Lease, in its own namespace', async () => {
    const canI = (args: string[]) => kubectlResult(['auth', 'can-i', ...args], kubeconfig);
    expect((await canI(['update', `lease/${leaseName}`, '-n', releaseNamespace])).ok).toBe(true);
    expect((await canI(['update', 'lease/someone-elses-lease', '-n', releaseNamespace])).ok).toBe(false);
    expect((await canI(['create', 'leases', '-n', watched])).ok).toBe(false);
  });

  it('may evict pods in the watched namespace (the zone rebalance), but never delete or patch them, nor evict elsewhere', async () => {
    const canI = (args: string[]) => kubectlResult(['auth', 'can-i', ...args], kubeconfig);
    // `pods/eviction` would be read as the pod named eviction; the subresource has its own flag.
    const evict = ['create', 'pods', '--subresource=eviction'];
    expect((await canI([...evict, '-n', watched])).ok).toBe(true);
    expect((await canI([...evict, '-n', 'kube-system'])).ok).toBe(false);
    expect((await canI(['delete', 'pods', '-n', watched])).ok).toBe(false);
    expect((await canI(['patch', 'pods', '-n', watched])).ok).toBe(false);
  });

  it('lets a deleted Platform go: the finalizer cleanup (topics and schemas) needs no more rights', async () => {
    await kubectl(['delete', 'platform', 'quire', '-n', watched, '--timeout=120s']);
    const refused = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => /forbidden|\b403\b/i.test(line));
    expect(refused, 'requests the operator was refused while cleaning up').toEqual([]);
  });

  it('needs create as well as patch to create objects by server-side apply (why each applied kind has both)', async () => {
    // A ServiceAccount allowed only to patch ConfigMaps, in the watched namespace.
    const name = 'quire-delivery-patch-only';
    const manifest = [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: watched } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name, namespace: watched },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'patch'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name, namespace: watched },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ kind: 'ServiceAccount', name, namespace: watched }],
      },
    ];
    const file = join(dir, 'patch-only.json');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifest }));
    await kubectl(['apply', '--server-side', '--field-manager=quire-delivery-tests', '-f', file]);
    const token = (await kubectl(['create', 'token', name, '-n', watched, '--duration=10m'])).trim();
    const patchOnly = join(dir, 'patch-only');
    mkdirSync(patchOnly, { recursive: true });
    const config = tokenKubeconfig(token, patchOnly);
    const configMap = join(dir, 'configmap.json');
    writeFileSync(
      configMap,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'ssa-probe', namespace: watched },
      }),
    );
    const result = await kubectlResult(
      ['apply', '--server-side', '--field-manager=probe', '-f', configMap],
      config,
    );
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/cannot create resource "configmaps"/);
  });
});
