/**
 * From a pod's environment to a local process's: only what must differ on one machine changes, and
 * each change says why. Everything else (store URLs, credentials from Secrets, schema names, log
 * level, the OTLP endpoint, `production`) is exactly what the pod gets.
 */
import { envVar, type ServiceName } from '@quire/kit/catalogue';
import type { PodEnvironment } from './pod-env.ts';
import type { ServicePorts } from './settings.ts';

export interface Difference {
  readonly name: string;
  /** The pod's value; undefined when the pod has no such variable. */
  readonly pod: string | undefined;
  readonly local: string;
  readonly why: string;
}

export interface LocalContext {
  readonly ports: ServicePorts;
  /** Auth's local API port, where it serves its key set over mTLS as its pod does. */
  readonly authApiPort: number;
  readonly tlsDir: string;
  /** Plain-HTTP URL of the local gateway. */
  readonly gatewayUrl: string;
  /** Path prefixes the gateway routes (from the HTTPRoutes). */
  readonly routedPrefixes: readonly string[];
  /** spec.search of the live Platform, for settings the operator does not render yet. */
  readonly search: { kind?: string; indexPrefix?: string };
}

const why = {
  ports: 'each pod has its own IP; here all seven services share 127.0.0.1, so each gets its own ports',
  tls: 'the kubelet mounts the tls Secret there; here the same files are written (with its ..data swap) to this folder',
  clusterUrl:
    'an in-cluster Service name does not resolve here: the gateway serves the path, as it does for clients',
  jwks:
    "auth's Service name does not resolve here; its local mTLS port serves the key set, and the fetch accepts it by " +
    "auth's SPIFFE ID (QUIRE_AUTH_SPIFFE_ID), as in the cluster, since the certificate names cluster DNS names only",
  jwksViaGateway:
    "auth's Service name does not resolve here, and without QUIRE_AUTH_SPIFFE_ID (an operator older than this checkout) " +
    "the fetch could only check auth's certificate against 127.0.0.1, which it does not name: the gateway serves the key set",
  searchKind:
    'the pod template lacks it (an operator older than this checkout); the service would assume elasticsearch/quire',
} as const;

const clusterHost = /\.svc(\.cluster\.local)?$/;

/** Routes an in-cluster URL through the gateway when the gateway serves its path. */
function throughGateway(value: string, ctx: LocalContext): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (!clusterHost.test(url.hostname)) return undefined;
  const routed = ctx.routedPrefixes.some((p) => url.pathname === p || url.pathname.startsWith(`${p}/`));
  if (!routed) {
    throw new Error(
      `${value} names an in-cluster Service at a path the gateway does not route; cannot run locally`,
    );
  }
  return `${ctx.gatewayUrl}${url.pathname}${url.search}`;
}

/** The local process's environment and how it differs from the pod's. */
export function localEnvironment(
  service: ServiceName,
  pod: PodEnvironment,
  ctx: LocalContext,
): { env: Record<string, string>; differences: Difference[] } {
  const env = { ...pod.env };
  const differences: Difference[] = [];
  const set = (name: string, local: string, reason: string) => {
    if (env[name] === local) return;
    differences.push({ name, pod: pod.env[name], local, why: reason });
    env[name] = local;
  };
  set(envVar.httpPort, String(ctx.ports.api), why.ports);
  set(envVar.opsPort, String(ctx.ports.ops), why.ports);
  if ((env[envVar.tlsDir] ?? pod.tls.mountPath) === pod.tls.mountPath)
    set(envVar.tlsDir, ctx.tlsDir, why.tls);
  const jwks = pod.env[envVar.authJwksUrl];
  if (jwks !== undefined) {
    const path = new URL(jwks).pathname;
    if (pod.env[envVar.authSpiffeId])
      set(envVar.authJwksUrl, `https://127.0.0.1:${ctx.authApiPort}${path}`, why.jwks);
    else set(envVar.authJwksUrl, `${ctx.gatewayUrl}${path}`, why.jwksViaGateway);
  }
  for (const [name, value] of Object.entries(pod.env)) {
    if (name === envVar.authJwksUrl) continue;
    const local = throughGateway(value, ctx);
    if (local) set(name, local, why.clusterUrl);
  }
  if (service === 'search') {
    // Only where the pod template lacks them and the Platform departs from the service's defaults.
    const { kind, indexPrefix } = ctx.search;
    if (kind && kind !== 'elasticsearch' && env[envVar.searchKind] === undefined) {
      set(envVar.searchKind, kind, why.searchKind);
    }
    if (indexPrefix && indexPrefix !== 'quire' && env[envVar.searchIndexPrefix] === undefined) {
      set(envVar.searchIndexPrefix, indexPrefix, why.searchKind);
    }
  }
  return { env, differences };
}
