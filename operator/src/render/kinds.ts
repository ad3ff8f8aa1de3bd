/**
 * The kinds the Platform controller reads or owns beyond those the runtime already names: the
 * Platform itself, the autoscaler, the Gateway API route, and the Pods and Nodes it observes for
 * status. One place, so the builders, the reconciler and main.ts agree on group and version.
 */
import { platformApi } from '../api/index.js';
import { kinds, type ResourceKind } from '../runtime/resource-kind.js';

export const platformKind: ResourceKind = {
  group: platformApi.group,
  version: platformApi.version,
  kind: platformApi.kind,
  plural: platformApi.plural,
  namespaced: true,
};

export const horizontalPodAutoscalerKind: ResourceKind = {
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  plural: 'horizontalpodautoscalers',
  namespaced: true,
};

export const httpRouteKind: ResourceKind = {
  group: 'gateway.networking.k8s.io',
  version: 'v1',
  kind: 'HTTPRoute',
  plural: 'httproutes',
  namespaced: true,
};

/** Pods, which the runtime names too: it evicts them (runtime/eviction.ts). */
export const podKind: ResourceKind = kinds.pod;

export const nodeKind: ResourceKind = {
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  namespaced: false,
};

/** Every kind a Platform may own, in the order they are applied (policies first: zero trust from the first pod). */
export function ownedKinds(options: { gatewayApi: boolean }): ResourceKind[] {
  return [
    kinds.networkPolicy,
    kinds.serviceAccount,
    kinds.configMap,
    kinds.service,
    kinds.deployment,
    kinds.podDisruptionBudget,
    horizontalPodAutoscalerKind,
    ...(options.gatewayApi ? [httpRouteKind] : []),
  ];
}
