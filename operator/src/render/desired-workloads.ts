/**
 * Everything the workloads of a Platform consist of, as plain objects with their kinds, in the order
 * they should be applied: NetworkPolicies first (so no pod ever runs unprotected), then per service
 * its ServiceAccount, ConfigMap, Service, Deployment, PodDisruptionBudget, autoscaler and route, and
 * the web app's objects when it is enabled (so disabling it prunes them).
 */
import { type ServiceName, serviceNames } from '@quire/kit/catalogue';
import { type Platform, webAppName } from '../api/index.js';
import { type KubeObject, kinds, type ResourceKind } from '../runtime/resource-kind.js';
import { buildConfigMap, configChecksum } from './config-map.js';
import { buildDeployment } from './deployment.js';
import { buildHorizontalPodAutoscaler } from './horizontal-pod-autoscaler.js';
import { buildHttpRoute, buildWebHttpRoute } from './http-route.js';
import { horizontalPodAutoscalerKind, httpRouteKind, ownedKinds } from './kinds.js';
import { phaseLabel } from './labels.js';
import { buildDefaultDenyPolicy, buildServicePolicy, buildWebPolicy } from './network-policies.js';
import { buildPodDisruptionBudget } from './pod-disruption-budget.js';
import { type RenderContext, type RenderOptions, renderContext } from './render-context.js';
import { buildService, buildWebService } from './service.js';
import { buildServiceAccount } from './service-account.js';
import { serviceSettings } from './service-settings.js';
import { buildWebDeployment } from './web-deployment.js';

/** One object a Platform wants, with the kind the runtime applies it as. */
export interface DesiredObject {
  readonly kind: ResourceKind;
  readonly object: KubeObject;
}

/** The value of `phaseLabel` on every object of the workloads. */
export const workloadsPhaseValue = 'workloads';

// The client-node model types have an optional `metadata`; every builder sets it.
const desired = (kind: ResourceKind, built: object | undefined): DesiredObject[] => {
  if (built === undefined) return [];
  const object = built as KubeObject;
  object.metadata.labels = { ...object.metadata.labels, [phaseLabel]: workloadsPhaseValue };
  return [{ kind, object }];
};

/** The objects of one service. */
export function serviceWorkloads(ctx: RenderContext, service: ServiceName): DesiredObject[] {
  const settings = serviceSettings(ctx, service);
  return [
    ...desired(kinds.networkPolicy, buildServicePolicy(ctx, service)),
    ...desired(kinds.serviceAccount, buildServiceAccount(ctx, service)),
    ...desired(kinds.configMap, buildConfigMap(ctx, service, settings.config)),
    ...desired(kinds.service, buildService(ctx, service)),
    ...desired(kinds.deployment, buildDeployment(ctx, service, settings, configChecksum(settings.config))),
    ...desired(kinds.podDisruptionBudget, buildPodDisruptionBudget(ctx, service)),
    ...desired(horizontalPodAutoscalerKind, buildHorizontalPodAutoscaler(ctx, service)),
    ...desired(httpRouteKind, buildHttpRoute(ctx, service)),
  ];
}

/** The objects of the web app, or none when spec.web.enabled is false. */
export function webWorkloads(ctx: RenderContext): DesiredObject[] {
  if (!ctx.platform.spec.web.enabled) return [];
  return [
    ...desired(kinds.networkPolicy, buildWebPolicy(ctx)),
    ...desired(kinds.serviceAccount, buildServiceAccount(ctx, webAppName)),
    ...desired(kinds.service, buildWebService(ctx)),
    ...desired(kinds.deployment, buildWebDeployment(ctx)),
    ...desired(kinds.podDisruptionBudget, buildPodDisruptionBudget(ctx, webAppName)),
    ...desired(httpRouteKind, buildWebHttpRoute(ctx)),
  ];
}

/** Every object the workloads of `platform` consist of, grouped by kind in apply order. */
export function desiredWorkloads(platform: Platform, options: Partial<RenderOptions> = {}): DesiredObject[] {
  const ctx = renderContext(platform, options);
  const all = [
    ...desired(kinds.networkPolicy, buildDefaultDenyPolicy(ctx)),
    ...serviceNames.flatMap((service) => serviceWorkloads(ctx, service)),
    ...webWorkloads(ctx),
  ];
  const order = ownedKinds({ gatewayApi: true });
  const rank = (kind: ResourceKind) => order.findIndex((k) => k.kind === kind.kind && k.group === kind.group);
  // A stable sort keeps catalogue order within each kind.
  return all.sort((a, b) => rank(a.kind) - rank(b.kind));
}
