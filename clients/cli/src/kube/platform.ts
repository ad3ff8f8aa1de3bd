/**
 * Finding and changing a Platform: its REST path, the name to use when the command line gives none
 * (the only Platform in the namespace), and errors that say how to find the right one.
 */
import {
  type Condition,
  ConditionType,
  type PlatformSpec,
  type PlatformStatus,
  platformApi,
} from '@quire/operator';
import { CliError, KubeApiError, UsageError } from '../errors.js';
import type { Kube } from './client.js';

/** A Platform as the API server returns it. */
export interface PlatformObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace: string;
    generation?: number;
    uid?: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  spec: PlatformSpec;
  status?: PlatformStatus;
}

/** The field manager of every change the CLI makes, so `managedFields` shows who did what. */
export const fieldManager = 'quire-cli';

/** The collection path of Platforms in `namespace`, or one Platform's path. */
export function platformPath(namespace: string, name?: string): string {
  const base = `/apis/${platformApi.group}/${platformApi.version}/namespaces/${encodeURIComponent(namespace)}/${platformApi.plural}`;
  return name ? `${base}/${encodeURIComponent(name)}` : base;
}

const crdMissing = () =>
  new CliError(
    'The cluster does not know the Platform API (platforms.platform.quire.dev is not installed)',
    'Install the CRD: kubectl apply --server-side -f crds/platform.quire.dev_platforms.yaml',
  );

const isNotFound = (error: unknown) => error instanceof KubeApiError && error.code === 404;

/** The Platforms in the namespace; a NotFound of the collection means the CRD is missing. */
export async function listPlatforms(kube: Kube): Promise<PlatformObject[]> {
  try {
    return (await kube.request<{ items: PlatformObject[] }>('GET', platformPath(kube.namespace))).items;
  } catch (error) {
    if (isNotFound(error)) throw crdMissing();
    throw error;
  }
}

/** The name to act on: the one given, or the only Platform in the namespace. */
export async function resolvePlatformName(kube: Kube, name: string | undefined): Promise<string> {
  if (name) return name;
  const items = await listPlatforms(kube);
  if (items.length === 1 && items[0]) return items[0].metadata.name;
  if (items.length === 0) {
    throw new CliError(
      `There is no Platform in namespace ${kube.namespace} (context ${kube.context})`,
      'Pass -n <namespace> where the Platform lives, or find it with: kubectl get platforms -A',
    );
  }
  throw new UsageError(
    `Namespace ${kube.namespace} has ${items.length} Platforms: ${items.map((p) => p.metadata.name).join(', ')}`,
    'Name the one you mean, e.g. quire status <name>',
  );
}

/** One Platform, or an error naming it and where to look. */
export async function getPlatform(kube: Kube, name: string): Promise<PlatformObject> {
  try {
    return await kube.request<PlatformObject>('GET', platformPath(kube.namespace, name));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    // Tell a missing CRD from a missing Platform: only the first makes the collection 404 too.
    await listPlatforms(kube);
    throw new CliError(
      `There is no Platform ${name} in namespace ${kube.namespace} (context ${kube.context})`,
      'Check the name and -n; kubectl get platforms -A lists them all',
    );
  }
}

/** Resolves the name and reads the Platform in one step. */
export async function findPlatform(kube: Kube, name: string | undefined): Promise<PlatformObject> {
  return getPlatform(kube, await resolvePlatformName(kube, name));
}

/** Merge-patches a Platform (spec or metadata) and returns it as stored. */
export async function patchPlatform(
  kube: Kube,
  name: string,
  patch: Record<string, unknown>,
): Promise<PlatformObject> {
  return kube.request<PlatformObject>('PATCH', platformPath(kube.namespace, name), {
    query: { fieldManager },
    contentType: 'application/merge-patch+json',
    body: patch,
  });
}

/** A condition of the Platform by type. */
export function conditionOf(platform: PlatformObject, type: string): Condition | undefined {
  return platform.status?.conditions?.find((c) => c.type === type);
}

/** True when a condition speaks about the Platform's current generation (not an older spec). */
export function isCurrent(platform: PlatformObject, condition: Condition | undefined): boolean {
  const generation = platform.metadata.generation;
  return condition?.observedGeneration === undefined || generation === undefined
    ? condition !== undefined
    : condition.observedGeneration >= generation;
}

/** The per-concern conditions, in the order the operator's phases run them. */
export const phaseConditions: readonly string[] = [
  ConditionType.CertificatesReady,
  ConditionType.TopicsReady,
  ConditionType.SchemasReady,
  ConditionType.WorkloadsReady,
];

/** `namespace/name`, as messages name a Platform. */
export const platformRef = (p: PlatformObject) => `${p.metadata.namespace}/${p.metadata.name}`;
