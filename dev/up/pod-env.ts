/**
 * The environment a service's container gets, computed as the kubelet computes it from the live
 * Deployment: `envFrom` sources first, then each `env` entry in order, with `$(VAR)` expanded
 * against the variables defined before it (`$$` is a literal `$`, an unknown reference stays as
 * written). Nothing here knows what the operator puts in the pod template; it only reads it.
 */
import type { V1Container, V1EnvVar } from '@kubernetes/client-node';
import { clusterClients } from '@quire/dev';
import { expandReferences } from './env-expansion.ts';
import { orUndefined, secretData } from './kube.ts';

export interface PodEnvironment {
  /** The container's environment, as its process would see it. */
  readonly env: Record<string, string>;
  /** The Secret mounted as the `tls` volume, and where. */
  readonly tls: { readonly secretName: string; readonly mountPath: string };
  /** The Deployment's metadata.generation the env was read from. */
  readonly generation: number;
}

async function configMapData(namespace: string, name: string): Promise<Record<string, string> | undefined> {
  const cm = await orUndefined(clusterClients().core.readNamespacedConfigMap({ name, namespace }));
  return cm ? { ...(cm.data ?? {}) } : undefined;
}

/** Resolves one `env` entry's value; undefined when an optional source is missing. */
async function resolveEntry(namespace: string, entry: V1EnvVar, defined: Record<string, string>) {
  if (entry.value !== undefined) return expandReferences(entry.value, defined);
  const from = entry.valueFrom;
  if (from?.secretKeyRef) {
    const ref = from.secretKeyRef;
    const value = (await secretData(namespace, ref.name ?? ''))?.[ref.key];
    if (value === undefined && !ref.optional) {
      throw new Error(`${entry.name}: Secret ${namespace}/${ref.name} has no key ${ref.key} (yet)`);
    }
    return value;
  }
  if (from?.configMapKeyRef) {
    const ref = from.configMapKeyRef;
    const value = (await configMapData(namespace, ref.name ?? ''))?.[ref.key];
    if (value === undefined && !ref.optional) {
      throw new Error(`${entry.name}: ConfigMap ${namespace}/${ref.name} has no key ${ref.key}`);
    }
    return value;
  }
  if (from?.fieldRef?.fieldPath === 'metadata.namespace') return namespace;
  if (from) throw new Error(`${entry.name}: this local runner does not resolve ${JSON.stringify(from)}`);
  return '';
}

/** The environment of `container` of the Deployment `name`, and its TLS volume. */
export async function podEnvironment(
  namespace: string,
  name: string,
  container: string,
): Promise<PodEnvironment> {
  const deployment = await clusterClients().apps.readNamespacedDeployment({ name, namespace });
  const pod = deployment.spec?.template.spec;
  const c: V1Container | undefined = pod?.containers.find((x) => x.name === container);
  if (!pod || !c) throw new Error(`Deployment ${namespace}/${name} has no container ${container}`);
  const env: Record<string, string> = {};
  for (const source of c.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const data = source.configMapRef
      ? await configMapData(namespace, ref?.name ?? '')
      : await secretData(namespace, ref?.name ?? '');
    if (!data && !ref?.optional) throw new Error(`${name}: envFrom source ${ref?.name} does not exist (yet)`);
    for (const [key, value] of Object.entries(data ?? {})) env[`${source.prefix ?? ''}${key}`] = value;
  }
  for (const entry of c.env ?? []) {
    const value = await resolveEntry(namespace, entry, env);
    if (value !== undefined) env[entry.name] = value;
  }
  const volume = pod.volumes?.find((v) => v.name === 'tls');
  const mount = c.volumeMounts?.find((m) => m.name === 'tls');
  if (!volume?.secret?.secretName || !mount)
    throw new Error(`${name}: the pod template mounts no tls Secret`);
  return {
    env,
    tls: { secretName: volume.secret.secretName, mountPath: mount.mountPath },
    generation: deployment.metadata?.generation ?? 0,
  };
}
