/** A service's HorizontalPodAutoscaler, when its spec asks for autoscaling: CPU utilization against requests. */
import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import type { ServiceName } from '@quire/kit/catalogue';
import { serviceLabels } from './labels.js';
import { serviceObjectName } from './names.js';
import type { RenderContext } from './render-context.js';

/** The autoscaler of one service, or undefined when the service runs a fixed number of replicas. */
export function buildHorizontalPodAutoscaler(
  ctx: RenderContext,
  service: ServiceName,
): V2HorizontalPodAutoscaler | undefined {
  const autoscaling = ctx.platform.spec.services[service].autoscaling;
  if (!autoscaling) return undefined;
  const name = serviceObjectName(ctx.name, service);
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: {
      name,
      namespace: ctx.namespace,
      labels: serviceLabels(ctx.name, service, ctx.platform.spec.version),
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: autoscaling.minReplicas,
      maxReplicas: autoscaling.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: autoscaling.targetCPUUtilizationPercentage },
          },
        },
      ],
    },
  };
}
