/**
 * Gateway API HTTPRoutes from the Platform's Gateway to every service with a user-facing API, one
 * per service, matching the path prefixes that service answers under. That is the four public
 * services of the seed's diagram (auth, user, document, search) and the internal services users
 * still call (notification, audit): "routed" follows `publicPaths`, not the catalogue's `public`.
 */
import { defaultPorts, type ServiceName, servicePaths } from '@quire/kit/catalogue';
import type { KubeObject } from '../runtime/resource-kind.js';
import { serviceLabels } from './labels.js';
import { serviceObjectName } from './names.js';
import type { RenderContext } from './render-context.js';

/**
 * The paths each routed service answers on its API port. Auth also publishes its key set, so clients
 * outside the cluster can verify tokens too. (A candidate for the kit's catalogue, next to `public`.)
 */
export const publicPaths: Readonly<Partial<Record<ServiceName, readonly string[]>>> = {
  auth: ['/v1/auth', servicePaths.jwks],
  user: ['/v1/users'],
  document: ['/v1/documents', '/v1/exports'],
  notification: ['/v1/notifications', '/v1/notification-preferences', '/v1/webhooks'],
  search: ['/v1/search'],
  audit: ['/v1/audit'],
};

/** True when the gateway sends requests to the service: it has paths in `publicPaths`. */
export const isRouted = (service: ServiceName): boolean => (publicPaths[service]?.length ?? 0) > 0;

/** The route of one service, or undefined when the service is not routed or routing is not configured. */
export function buildHttpRoute(ctx: RenderContext, service: ServiceName): KubeObject | undefined {
  const gateway = ctx.platform.spec.gateway;
  if (!gateway || !ctx.options.gatewayApi || !isRouted(service)) return undefined;
  const name = serviceObjectName(ctx.name, service);
  const { parentRef } = gateway;
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: {
      name,
      namespace: ctx.namespace,
      labels: serviceLabels(ctx.name, service, ctx.platform.spec.version),
    },
    spec: {
      parentRefs: [
        {
          group: 'gateway.networking.k8s.io',
          kind: 'Gateway',
          name: parentRef.name,
          ...(parentRef.namespace ? { namespace: parentRef.namespace } : {}),
          ...(parentRef.sectionName ? { sectionName: parentRef.sectionName } : {}),
        },
      ],
      hostnames: [...gateway.hostnames],
      rules: [
        {
          matches: (publicPaths[service] ?? []).map((value) => ({ path: { type: 'PathPrefix', value } })),
          backendRefs: [{ group: '', kind: 'Service', name, port: defaultPorts.http }],
        },
      ],
    },
  };
}
