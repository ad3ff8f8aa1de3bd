/**
 * Gateway API HTTPRoutes from the Platform's Gateway to every service with a user-facing API, one
 * per service, matching the path prefixes that service answers under. That is the four public
 * services of the seed's diagram (auth, user, document, search) and the internal services users
 * still call (notification, audit): "routed" follows `publicPaths`, not the catalogue's `public`.
 *
 * The web app gets one more route, `/` to its Service. Gateway API gives precedence to the longest
 * matching path prefix across all routes attached to a Gateway for the same host name, so `/` only
 * catches what no service prefix matches (the app's pages and assets), and the services' routes
 * stay exactly as they are.
 *
 * The routes say nothing about how the gateway talks to a backend: no BackendTLSPolicy is rendered.
 * The services' Service ports declare `appProtocol: https` (they require mTLS, which the Gateway
 * implementation is configured for with the gateway certificate the operator issues); the web app's
 * declares `appProtocol: http`, because nginx serves public static files and the gateway reaches it
 * in plain HTTP inside the cluster. So the web app needs no certificate, and its NetworkPolicy admits
 * only the gateway's namespace.
 */
import { defaultPorts, type ServiceName, servicePaths } from '@quire/kit/catalogue';
import { type WorkloadName, webAppName } from '../api/index.js';
import type { KubeObject } from '../runtime/resource-kind.js';
import { serviceLabels } from './labels.js';
import { serviceObjectName } from './names.js';
import type { RenderContext } from './render-context.js';
import { webPort } from './web-deployment.js';

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

/** The prefix the web app is routed at: everything the services' longer prefixes do not claim. */
export const webPathPrefix = '/';

/** A route sending `prefixes` to one workload's Service, or undefined when routing is not configured. */
function routeTo(
  ctx: RenderContext,
  workload: WorkloadName,
  prefixes: readonly string[],
  port: number,
): KubeObject | undefined {
  const gateway = ctx.platform.spec.gateway;
  if (!gateway || !ctx.options.gatewayApi) return undefined;
  const name = serviceObjectName(ctx.name, workload);
  const { parentRef } = gateway;
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: {
      name,
      namespace: ctx.namespace,
      labels: serviceLabels(ctx.name, workload, ctx.platform.spec.version),
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
          matches: prefixes.map((value) => ({ path: { type: 'PathPrefix', value } })),
          backendRefs: [{ group: '', kind: 'Service', name, port }],
        },
      ],
    },
  };
}

/** The route of one service, or undefined when the service is not routed or routing is not configured. */
export function buildHttpRoute(ctx: RenderContext, service: ServiceName): KubeObject | undefined {
  if (!isRouted(service)) return undefined;
  return routeTo(ctx, service, publicPaths[service] ?? [], defaultPorts.http);
}

/** The web app's route (`/`), or undefined when routing is not configured. */
export function buildWebHttpRoute(ctx: RenderContext): KubeObject | undefined {
  return routeTo(ctx, webAppName, [webPathPrefix], webPort);
}
