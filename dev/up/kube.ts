/**
 * The few Kubernetes calls `make up` makes: applies through the cluster's own kubectl (server-side,
 * with one field manager, as a person would), reads through @kubernetes/client-node.
 */
import { execFile } from 'node:child_process';
import { clusterClients, httpStatusOf, stackSetting } from '@quire/dev';
import { stringify } from 'yaml';

/** The field manager of everything `make up` applies, so `kubectl get --show-managed-fields` names it. */
export const fieldManager = 'quire-up';

/** Runs the cluster's kubectl against the local cluster; rejects with its stderr. */
export function kubectl(args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      stackSetting('QUIRE_KUBECTL'),
      ['--kubeconfig', stackSetting('KUBECONFIG'), ...args],
      { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Server-side applies objects (or the files/folders in `paths`). */
export async function apply(objects: readonly object[], paths: readonly string[] = []): Promise<void> {
  const base = ['apply', '--server-side', '--force-conflicts', '--field-manager', fieldManager];
  if (paths.length > 0) await kubectl([...base, ...paths.flatMap((p) => ['-f', p])]);
  if (objects.length > 0) {
    await kubectl([...base, '-f', '-'], objects.map((o) => stringify(o)).join('---\n'));
  }
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    namespace?: string;
    generation?: number;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/** The value, or undefined when the API answered 404. */
export async function orUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (httpStatusOf(error) === 404) return undefined;
    throw error;
  }
}

const platformApi = { group: 'platform.quire.dev', version: 'v1alpha1', plural: 'platforms' } as const;

/** The Platform, or undefined. */
export function getPlatform(namespace: string, name: string): Promise<KubeObject | undefined> {
  const { custom } = clusterClients();
  return orUndefined(
    custom.getNamespacedCustomObject({ ...platformApi, namespace, name }) as Promise<KubeObject>,
  );
}

/** The HTTPRoutes of a namespace (the Gateway API CRDs must be installed). */
export async function listHttpRoutes(namespace: string, labelSelector?: string): Promise<KubeObject[]> {
  const { custom } = clusterClients();
  const list = (await custom.listNamespacedCustomObject({
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    plural: 'httproutes',
    namespace,
    ...(labelSelector ? { labelSelector } : {}),
  })) as { items: KubeObject[] };
  return list.items;
}

/** The decoded data of a Secret, or undefined when it does not exist. */
export async function secretData(
  namespace: string,
  name: string,
): Promise<Record<string, string> | undefined> {
  const secret = await orUndefined(clusterClients().core.readNamespacedSecret({ name, namespace }));
  if (!secret) return undefined;
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
}

/** Waits until a CRD is Established. */
export async function waitEstablished(crd: string): Promise<void> {
  await kubectl(['wait', '--for=condition=Established', `crd/${crd}`, '--timeout=60s']);
}
