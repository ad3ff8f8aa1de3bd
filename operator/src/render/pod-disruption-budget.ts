/**
 * A service's PodDisruptionBudget: voluntary disruptions (node drains, upgrades) keep as many replicas
 * available as there are zones, so a drain in one zone cannot take another zone's pods too, but always
 * leave at least one disruption possible, so a drain can never deadlock on the budget.
 */
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import { type WorkloadName, webAppName } from '../api/index.js';
import { selectorLabels, serviceLabels } from './labels.js';
import { serviceObjectName } from './names.js';
import type { RenderContext } from './render-context.js';

/**
 * Pods that must stay available: min(zones, replicas - 1). With one replica or none there is nothing
 * to keep while still allowing a disruption, so no budget is made (undefined).
 */
export function minAvailableFor(replicas: number, zones: number): number | undefined {
  return replicas > 1 ? Math.min(zones, replicas - 1) : undefined;
}

/** The fewest replicas a workload runs: with autoscaling, what the autoscaler always keeps. */
function replicaFloor(ctx: RenderContext, service: WorkloadName): number {
  const { spec } = ctx.platform;
  if (service === webAppName) return spec.web.replicas;
  const serviceSpec = spec.services[service];
  return serviceSpec.autoscaling ? serviceSpec.autoscaling.minReplicas : serviceSpec.replicas;
}

/** The budget of one service (or of the web app), or undefined when it has too few replicas for one. */
export function buildPodDisruptionBudget(
  ctx: RenderContext,
  service: WorkloadName,
): V1PodDisruptionBudget | undefined {
  const { spec } = ctx.platform;
  const replicas = replicaFloor(ctx, service);
  const minAvailable = minAvailableFor(replicas, spec.topology.zones.length);
  if (minAvailable === undefined) return undefined;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: {
      name: serviceObjectName(ctx.name, service),
      namespace: ctx.namespace,
      labels: serviceLabels(ctx.name, service, spec.version),
    },
    spec: {
      minAvailable,
      selector: { matchLabels: selectorLabels(ctx.name, service) },
      // A pod that never became ready protects nothing; letting drains evict it avoids a stuck node.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}
