/**
 * The operator assembled from the runtime: a manager that checks the Platform CRD, serves probes and
 * metrics, and runs the Platform controller, which owns the workload kinds, watches the pods and
 * nodes its status is computed from, and evicts a pod (Eviction API) to rebalance a service's zones.
 * main.ts and the end-to-end tests both start it from here.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { ConditionType } from '../api/index.js';
import { createExternalMetrics } from '../external/external-metrics.js';
import { loadMigrationBundle, type MigrationBundle } from '../external/migration-bundle.js';
import { cachedSecretSource } from '../external/secret-source.js';
import { certificateKind } from '../pki/cert-manager.js';
import { createCertificateExpiryMetric } from '../pki/expiry-metric.js';
import { httpRouteKind, nodeKind, ownedKinds, platformKind, podKind } from '../render/kinds.js';
import { platformLabel } from '../render/labels.js';
import type { RenderOptions } from '../render/render-context.js';
import { type ApiClient, isNotFound } from '../runtime/api-client.js';
import { createConditionMetric } from '../runtime/condition-metric.js';
import type { OperatorConfig } from '../runtime/config.js';
import type { Controller } from '../runtime/controller.js';
import type { CrdRequirement } from '../runtime/crd-check.js';
import { evictPod } from '../runtime/eviction.js';
import type { Logger } from '../runtime/logger.js';
import { Manager } from '../runtime/manager.js';
import type { RuntimeMetrics } from '../runtime/metrics.js';
import { prune } from '../runtime/prune.js';
import { type KubeObject, keyOf, kinds, type ResourceKind, resourcePath } from '../runtime/resource-kind.js';
import { createCertificatesPhase } from './certificates.js';
import { jsonPatchFinalizers } from './finalizer-writer.js';
import { createPlatformReconciler } from './orchestrator.js';
import { createSchemasPhase } from './schemas.js';
import type { ObjectReader, ObjectWriter } from './scope.js';
import { createTopicsPhase } from './topics.js';
import { workloadsPhase } from './workloads.js';

/** The Platform CRD must be installed before the operator starts; this says how. */
export const platformCrdRequirement: CrdRequirement = {
  kind: platformKind,
  install: 'kubectl apply --server-side -f crds/platform.quire.dev_platforms.yaml',
};

/** True when the CRD of an optional kind (Gateway API, cert-manager) is installed and serves its version. */
export async function crdServed(client: ApiClient, kind: ResourceKind): Promise<boolean> {
  const name = `${kind.plural}.${kind.group}`;
  try {
    const crd = await client.request<{ spec?: { versions?: Array<{ name: string; served?: boolean }> } }>(
      'GET',
      resourcePath(kinds.customResourceDefinition, { name }),
    );
    return crd.spec?.versions?.some((v) => v.name === kind.version && v.served) ?? false;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** True when the Gateway API's HTTPRoute CRD is installed and serves v1. */
export const gatewayApiInstalled = (client: ApiClient): Promise<boolean> => crdServed(client, httpRouteKind);

/** A GET that answers undefined for 404: for objects outside the caches, such as a user's CA Secret. */
function fetchFrom(client: ApiClient) {
  return async (kind: ResourceKind, key: { namespace?: string; name: string }) => {
    try {
      return await client.request<KubeObject>('GET', resourcePath(kind, key));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
}

/** Adds the Platform controller to a manager (before it starts). */
export function addPlatformController(
  manager: Manager,
  render: Partial<RenderOptions> & { gatewayApi: boolean },
  external: { certManager: boolean; migrations: MigrationBundle },
): Controller {
  // Pods are cached only when they belong to a Platform, so the cache stays small in a busy cluster.
  manager.informers.for(podKind, { labelSelector: platformLabel });
  const platforms = manager.informers.for(platformKind);
  const reader: ObjectReader = {
    get: (kind, key) => manager.informers.for(kind).get(key),
    list: (kind, namespace) => manager.informers.for(kind).list(kind.namespaced ? namespace : undefined),
  };
  const writer: ObjectWriter = {
    apply: (kind, desired, options) => manager.applier.apply(kind, desired, options),
    // The runtime prunes every owned object it is not told to keep, so what `only` rejects is kept.
    prune: (owner, owned, desired, only) => {
      const others = owned.flatMap((kind) =>
        manager.informers
          .for(kind)
          .list()
          .filter((object) => !only(object))
          .map((object) => ({ kind, object })),
      );
      return prune({
        client: manager.client,
        informers: manager.informers,
        owner,
        kinds: owned,
        desired: [...desired, ...others],
        applier: manager.applier,
      });
    },
  };
  const secrets = cachedSecretSource(manager.client, reader);
  const metrics = createExternalMetrics(manager.metrics.registry);
  createConditionMetric(manager.metrics.registry, {
    name: 'quire_platform_condition',
    help: 'The status of each condition of a Platform as stored: 1 for the status it has (True, False or Unknown), 0 for the other two; only the leading replica reports Platforms',
    objectLabel: 'platform',
    // Only the leader writes status; a follower's cache is warm too but it reports none.
    source: { objects: () => platforms.list(), reporting: () => manager.isLeading() },
  });
  // Certificates first, so pods start with their certificate mounted; topics and schemas before the
  // workloads, which roll out only once every schema is migrated (a new spec.version migrates first).
  const phases = [
    createCertificatesPhase({
      // A deleted Platform's certificates leave the gauges at the next scrape.
      expiry: createCertificateExpiryMetric(manager.metrics.registry, () => platforms.list()),
      fetch: fetchFrom(manager.client),
    }),
    createTopicsPhase({ secrets, metrics }),
    createSchemasPhase({ secrets, metrics, migrations: external.migrations }),
    { ...workloadsPhase, requires: [ConditionType.SchemasReady] },
  ];
  return manager.addController({
    name: 'platform',
    for: platformKind,
    // Secrets (and cert-manager Certificates) are owned, so a deleted or edited certificate wakes its
    // Platform, but they are not in `ownedKinds`: that list is what the workloads phase prunes.
    owns: [...ownedKinds(render), kinds.secret, ...(external.certManager ? [certificateKind] : [])],
    watches: [
      // A pod's readiness and zone feed the status; its Platform is named by its label.
      {
        kind: podKind,
        map: (pod) => {
          const name = pod.metadata.labels?.[platformLabel];
          return name ? [{ namespace: pod.metadata.namespace ?? '', name }] : [];
        },
      },
      // A node coming or going changes what every Platform can schedule.
      { kind: nodeKind, map: () => platforms.list().map(keyOf) },
    ],
    reconcile: createPlatformReconciler(
      {
        reader,
        writer,
        evictor: { evict: (key) => evictPod(manager.client, key) },
        status: manager.statusWriter,
        events: manager.events,
        finalizers: jsonPatchFinalizers(manager.client, platformKind),
        render,
      },
      phases,
    ),
  });
}

export interface OperatorOptions {
  config: OperatorConfig;
  kubeConfig: KubeConfig;
  logger?: Logger;
  metrics?: RuntimeMetrics;
  /** Overrides of the builders' cluster facts (metrics namespaces, DNS namespace). */
  render?: Partial<Omit<RenderOptions, 'gatewayApi'>>;
}

/** A started operator: its manager (metrics, caches, shutdown) and the Platform controller (its queue). */
export interface Operator {
  manager: Manager;
  controller: Controller;
}

/** Builds the operator and starts it; resolves once its caches are synced (controllers start when it leads). */
export async function startOperator(options: OperatorOptions): Promise<Operator> {
  const manager = new Manager({
    config: options.config,
    kubeConfig: options.kubeConfig,
    crds: [platformCrdRequirement],
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  // The packaged migrations are read once, so a missing or edited bundle stops the start-up.
  const [gatewayApi, certManager, migrations] = await Promise.all([
    gatewayApiInstalled(manager.client),
    crdServed(manager.client, certificateKind),
    loadMigrationBundle(),
  ]);
  manager.log.info(
    { gatewayApi, certManager },
    `Found ${gatewayApi ? 'the' : 'no'} Gateway API CRDs and ${certManager ? 'the' : 'no'} cert-manager CRDs`,
  );
  const controller = addPlatformController(
    manager,
    { ...options.render, gatewayApi },
    { certManager, migrations },
  );
  await manager.start();
  return { manager, controller };
}
