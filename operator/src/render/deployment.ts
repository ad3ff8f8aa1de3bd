/**
 * A service's Deployment. Without autoscaling it owns `replicas`; with autoscaling it leaves
 * `replicas` out, so the HorizontalPodAutoscaler and the operator never fight over the field.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import type { ServiceName } from '@quire/kit/catalogue';
import { selectorLabels, serviceLabels } from './labels.js';
import { serviceObjectName } from './names.js';
import { buildPodTemplate } from './pod-template.js';
import type { RenderContext } from './render-context.js';
import type { ServiceSettings } from './service-settings.js';

/** The Deployment of one service; `checksum` is the fingerprint of its settings. */
export function buildDeployment(
  ctx: RenderContext,
  service: ServiceName,
  settings: ServiceSettings,
  checksum: string,
): V1Deployment {
  const serviceSpec = ctx.platform.spec.services[service];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: serviceObjectName(ctx.name, service),
      namespace: ctx.namespace,
      labels: serviceLabels(ctx.name, service, ctx.platform.spec.version),
    },
    spec: {
      ...(serviceSpec.autoscaling ? {} : { replicas: serviceSpec.replicas }),
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(ctx.name, service) },
      // A new pod is ready before an old one goes, so a rollout never lowers capacity.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: buildPodTemplate(ctx, service, settings, checksum),
    },
  };
}
