/**
 * Gateway API HTTPRoutes from the Platform's Gateway to the public services (auth, user, document,
 * search), one per service, matching the path prefixes that service answers under.
 */
import { defaultPorts, type ServiceName, serviceCatalogue, servicePaths } from '@quire/kit/catalogue';
import type { KubeObject } from '../runtime/resource-kind.js';
import { serviceLabels } from './labels.js';
import { serviceObjectName } from './names.js';
import type { RenderContext } from './render-context.js';

/**
 * The paths each public service answers on its API port. Auth also publishes its key set, so clients
 * outside the cluster can verify tokens too. (A candidate for the kit's catalogue, next to `public`.)
 */
export const publicPaths: Readonly<Partial<Record<ServiceName, readonly string[]>>> = {
  auth: ['/v1/auth', servicePaths.jwks],
  user: ['/v1/users'],
  document: ['/v1/documents', '/v1/exports'],
  search: ['/v1/search'],
};

/** The route of one service, or undefined when the service is internal or routing is not configured. */
export function buildHttpRoute(ctx: RenderContext, service: ServiceName): KubeObject | undefined {
  const gateway = ctx.platform.spec.gateway;
  if (!gateway || !ctx.options.gatewayApi || !serviceCatalogue[service].public) return undefined;
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
