/**
 * The operator runs as the chart's ServiceAccount, with exactly the RBAC the chart grants
 * (charts/quire-operator, namespaced mode watching the Platform's namespace), so `make up` proves
 * those rules suffice: a missing verb fails here as it would in a cluster (it found `patch` on
 * platforms missing once). The RBAC objects come from `helm template`; the operator gets a kubeconfig
 * holding a token of that ServiceAccount. Without helm built, or with QUIRE_UP_OPERATOR_RBAC=admin,
 * it runs with the admin kubeconfig, as `make run-operator` does.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stackSetting } from '@quire/dev';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { apply, type KubeObject, kubectl } from './kube.ts';
import { repoRoot, type UpSettings } from './settings.ts';

const run = promisify(execFile);
const rbacKinds = new Set(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);

const versions = () => readFileSync(join(repoRoot, 'dev', 'versions.env'), 'utf8');
const pinned = (name: string) => new RegExp(`^${name}=(\\S+)`, 'm').exec(versions())?.[1] ?? '';

/** helm from the cache dev/tools/build.sh fills, or undefined when it has not been built. */
function helmBinary(): string | undefined {
  const cache = process.env.QUIRE_CACHE ?? join(homedir(), '.cache', 'quire');
  const helm = join(cache, `helm-v${pinned('HELM_VERSION')}`, 'bin', 'helm');
  return existsSync(helm) ? helm : undefined;
}

/** True when the token still authenticates (a recreated cluster invalidates it) for more than a day. */
async function tokenUsable(kubeconfig: string, token: string): Promise<boolean> {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString() || '{}') as {
    exp?: number;
  };
  if (!payload.exp || payload.exp * 1000 - Date.now() < 24 * 3600_000) return false;
  return run(stackSetting('QUIRE_KUBECTL'), ['--kubeconfig', kubeconfig, 'auth', 'whoami'], {
    timeout: 15_000,
  }).then(
    () => true,
    () => false,
  );
}

/**
 * Applies the chart's RBAC and returns a kubeconfig for its ServiceAccount, or a reason why the
 * operator runs with the admin kubeconfig instead.
 */
export async function chartRbacKubeconfig(
  s: UpSettings,
  dir: string,
): Promise<{ kubeconfig: string; account: string } | { reason: string }> {
  if (process.env.QUIRE_UP_OPERATOR_RBAC === 'admin') return { reason: 'QUIRE_UP_OPERATOR_RBAC=admin' };
  const helm = helmBinary();
  if (!helm) return { reason: 'helm is not built (dev/tools/build.sh builds it)' };
  // A release of its own, so a person's `helm install` of the chart (quire-system) never meets these objects.
  const release = s.namespace;
  const releaseNamespace = `${s.namespace}-system`;
  const { stdout } = await run(
    helm,
    [
      'template',
      release,
      join(repoRoot, 'charts', 'quire-operator'),
      '--namespace',
      releaseNamespace,
      '--kube-version',
      pinned('K8S_VERSION'),
      '--set',
      `watchNamespaces={${s.namespace}}`,
    ],
    { timeout: 60_000 },
  ).catch((error: Error) => ({ stdout: '', error }));
  const objects = parseAllDocuments(stdout)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => !!o && rbacKinds.has(o.kind ?? ''));
  const account = objects.find((o) => o.kind === 'ServiceAccount')?.metadata.name;
  if (!account) return { reason: 'the chart rendered no ServiceAccount (helm template failed?)' };
  await apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: releaseNamespace } }, ...objects]);

  const kubeconfig = join(dir, 'kubeconfig');
  const tokenFile = join(dir, 'token');
  const current = existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : '';
  const holder = existsSync(kubeconfig)
    ? (parse(readFileSync(kubeconfig, 'utf8')) as { users?: { name: string }[] })
    : {};
  if (current && holder.users?.[0]?.name === account && (await tokenUsable(kubeconfig, current))) {
    return { kubeconfig, account: `${releaseNamespace}/${account}` };
  }
  const token = (
    await kubectl(['-n', releaseNamespace, 'create', 'token', account, '--duration=720h'])
  ).trim();
  const admin = parse(readFileSync(stackSetting('KUBECONFIG'), 'utf8')) as { clusters: { name: string }[] };
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: admin.clusters,
    users: [{ name: account, user: { token } }],
    contexts: [{ name: 'operator', context: { cluster: admin.clusters[0]?.name, user: account } }],
    'current-context': 'operator',
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  writeFileSync(kubeconfig, stringify(config), { mode: 0o600 });
  return { kubeconfig, account: `${releaseNamespace}/${account}` };
}
