/**
 * Zero trust between the pods: one policy denies all traffic to and from every pod of the Platform,
 * then one policy per service allows exactly the edges of the seed's architecture: the gateway to the
 * services it routes to (those with paths in `publicPaths`), API services to auth (they verify tokens
 * against its key set), each service to its backing stores, metrics scraping on the ops port, DNS,
 * and notification to the internet's HTTPS port for users' webhooks. The web app's pods take requests
 * from the gateway only and call nothing but DNS.
 *
 * NetworkPolicies cannot name hosts, so a store's host becomes a peer by its form:
 * - `[<pod>.]<service>.<namespace>.svc[.<cluster domain>]`: any pod in that namespace, on the store's port;
 * - a single label: a pod in the Platform's own namespace;
 * - an IPv4 address: that address;
 * - any other name is outside the cluster: any address, on the store's port only.
 * Ports are the ones in the spec, so a Service must expose a store on the port its pods listen on.
 */
import type {
  V1NetworkPolicy,
  V1NetworkPolicyEgressRule,
  V1NetworkPolicyPeer,
  V1NetworkPolicyPort,
  V1NetworkPolicySpec,
} from '@kubernetes/client-node';
import {
  defaultPorts,
  envVar,
  envVariablesFor,
  type ServiceName,
  serviceCatalogue,
  serviceNames,
} from '@quire/kit/catalogue';
import { webAppName } from '../api/index.js';
import { canonicalJson } from '../runtime/desired-hash.js';
import { type Endpoint, otlpEndpoint, storeEndpoints } from './endpoints.js';
import { isRouted } from './http-route.js';
import { platformLabels, platformPodLabels, selectorLabels, serviceLabels } from './labels.js';
import { defaultDenyPolicyName, serviceObjectName } from './names.js';
import type { RenderContext } from './render-context.js';
import { webPort } from './web-deployment.js';

/** An ingress rule as the API spells it (client-node's model renames `from` to `_from`). */
export interface IngressRule {
  from?: V1NetworkPolicyPeer[];
  ports?: V1NetworkPolicyPort[];
}

/** A NetworkPolicy as sent to the API. */
export type NetworkPolicy = Omit<V1NetworkPolicy, 'spec'> & {
  spec: Omit<V1NetworkPolicySpec, 'ingress'> & { ingress?: IngressRule[] };
};

const namespaceLabel = 'kubernetes.io/metadata.name';
const inNamespace = (namespace: string): V1NetworkPolicyPeer => ({
  namespaceSelector: { matchLabels: { [namespaceLabel]: namespace } },
});
const tcp = (port: number): V1NetworkPolicyPort => ({ protocol: 'TCP', port });

/** The services whose API a service calls: auth, for every service that verifies tokens with its key set. */
export function calleesOf(service: ServiceName): ServiceName[] {
  return envVariablesFor(service).required.includes(envVar.authJwksUrl) ? ['auth'] : [];
}

/** The services that call a service's API. */
export function callersOf(service: ServiceName): ServiceName[] {
  return serviceNames.filter((caller) => calleesOf(caller).includes(service));
}

/** The peers a host stands for, as the file comment describes. */
export function peersForHost(host: string): V1NetworkPolicyPeer[] {
  if (/^[0-9]{1,3}(\.[0-9]{1,3}){3}$/.test(host)) return [{ ipBlock: { cidr: `${host}/32` } }];
  const labels = host.split('.');
  if (labels.length === 1) return [{ podSelector: {} }];
  // `<service>.<namespace>.svc`, or a StatefulSet pod's `<pod>.<service>.<namespace>.svc`.
  const svc = labels.indexOf('svc');
  const namespace = labels[svc - 1];
  if (svc >= 2 && namespace) return [inNamespace(namespace)];
  return [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }];
}

/** Egress rules to endpoints, one per distinct set of peers, each with the ports used there. */
function egressTo(endpoints: readonly Endpoint[]): V1NetworkPolicyEgressRule[] {
  const rules = new Map<string, { to: V1NetworkPolicyPeer[]; ports: Set<number> }>();
  for (const { host, port } of endpoints) {
    const to = peersForHost(host);
    const key = canonicalJson(to);
    const rule = rules.get(key) ?? { to, ports: new Set<number>() };
    rule.ports.add(port);
    rules.set(key, rule);
  }
  return [...rules.values()].map((r) => ({ to: r.to, ports: [...r.ports].sort((a, b) => a - b).map(tcp) }));
}

/**
 * Notification POSTs to the webhooks users register: any public address, https only in production
 * (services/notification refuses plain http there). The private, loopback, link-local, shared and
 * multicast ranges are left out, the ones Notification itself refuses to call, so a webhook cannot
 * reach the cluster's pods, nodes or the cloud metadata endpoint even if that check were bypassed.
 */
const webhookEgress: V1NetworkPolicyEgressRule = {
  to: [
    {
      ipBlock: {
        cidr: '0.0.0.0/0',
        except: [
          '0.0.0.0/8',
          '10.0.0.0/8',
          '100.64.0.0/10',
          '127.0.0.0/8',
          '169.254.0.0/16',
          '172.16.0.0/12',
          '192.168.0.0/16',
          '198.18.0.0/15',
          '224.0.0.0/4',
        ],
      },
    },
    { ipBlock: { cidr: '::/0', except: ['::/128', '::1/128', 'fc00::/7', 'fe80::/10', 'ff00::/8'] } },
  ],
  ports: [tcp(443)],
};

/** The policy that denies all traffic to and from the Platform's pods unless a service's policy allows it. */
export function buildDefaultDenyPolicy(ctx: RenderContext): NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: defaultDenyPolicyName(ctx.name),
      namespace: ctx.namespace,
      labels: platformLabels(ctx.name),
    },
    spec: { podSelector: { matchLabels: platformPodLabels(ctx.name) }, policyTypes: ['Ingress', 'Egress'] },
  };
}

/** The cluster DNS, which every pod of the Platform may ask. */
function dnsEgress(ctx: RenderContext): V1NetworkPolicyEgressRule {
  return {
    to: [inNamespace(ctx.options.dnsNamespace)],
    ports: [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ],
  };
}

/** Requests from the Gateway's namespace, when the Platform is routed from one. */
function fromGateway(ctx: RenderContext, ports: V1NetworkPolicyPort[]): IngressRule[] {
  const { gateway } = ctx.platform.spec;
  return gateway ? [{ from: [inNamespace(gateway.parentRef.namespace ?? ctx.namespace)], ports }] : [];
}

/** The edges one service's pods may use. */
export function buildServicePolicy(ctx: RenderContext, service: ServiceName): NetworkPolicy {
  const { spec } = ctx.platform;
  const api = [tcp(defaultPorts.http)];
  const ingress: IngressRule[] = [];
  if (isRouted(service)) ingress.push(...fromGateway(ctx, api));
  const callers = callersOf(service);
  if (callers.length > 0) {
    ingress.push({
      from: callers.map((c) => ({ podSelector: { matchLabels: selectorLabels(ctx.name, c) } })),
      ports: api,
    });
  }
  if (ctx.options.metricsNamespaces.length > 0) {
    ingress.push({ from: ctx.options.metricsNamespaces.map(inNamespace), ports: [tcp(defaultPorts.ops)] });
  }

  const egress: V1NetworkPolicyEgressRule[] = [dnsEgress(ctx)];
  const callees = calleesOf(service);
  if (callees.length > 0) {
    egress.push({
      to: callees.map((c) => ({ podSelector: { matchLabels: selectorLabels(ctx.name, c) } })),
      ports: api,
    });
  }
  const collector = otlpEndpoint(spec);
  const endpoints = [
    ...serviceCatalogue[service].stores.flatMap((store) => storeEndpoints(spec, store)),
    ...(collector ? [collector] : []),
  ];
  egress.push(...egressTo(endpoints));
  // Only notification calls out of the cluster: users' webhooks (see webhookEgress).
  if (service === 'notification') egress.push(webhookEgress);

  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: serviceObjectName(ctx.name, service),
      namespace: ctx.namespace,
      labels: serviceLabels(ctx.name, service, spec.version),
    },
    spec: {
      podSelector: { matchLabels: selectorLabels(ctx.name, service) },
      policyTypes: ['Ingress', 'Egress'],
      ingress,
      egress,
    },
  };
}

/**
 * The edges of the web app's pods: requests from the gateway on nginx's port, and DNS as every pod
 * of the Platform has it. nginx serves files only, so there is nothing else to call, and no ops port
 * to scrape.
 */
export function buildWebPolicy(ctx: RenderContext): NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: serviceObjectName(ctx.name, webAppName),
      namespace: ctx.namespace,
      labels: serviceLabels(ctx.name, webAppName, ctx.platform.spec.version),
    },
    spec: {
      podSelector: { matchLabels: selectorLabels(ctx.name, webAppName) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: fromGateway(ctx, [tcp(webPort)]),
      egress: [dnsEgress(ctx)],
    },
  };
}
