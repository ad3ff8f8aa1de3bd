/**
 * The names of everything a Platform creates or expects, in one place: the builders name objects
 * with these, the certificates phase will issue exactly `tlsSecret`, and the schemas phase will write
 * exactly `postgresSecret`. The Platform name is at most 40 characters, so every name stays within
 * the 63 a Service or label value allows (40 + '-notification-postgres' = 62).
 */
import type { ServiceName } from '@quire/kit/catalogue';
import type { WorkloadName } from '../api/index.js';

/**
 * Objects of one service, or of the web app: `<platform>-<service>` (`<platform>-web`) for everything
 * one workload has one of.
 */
export function serviceObjectName(platform: string, service: WorkloadName): string {
  return `${platform}-${service}`;
}

/** The ConfigMap of a service's non-secret settings. */
export function configMapName(platform: string, service: ServiceName): string {
  return `${platform}-${service}-config`;
}

/** The Secret holding a service's workload certificate (tls.crt, tls.key, ca.crt); issued by the certificates phase. */
export function tlsSecretName(platform: string, service: ServiceName): string {
  return `${platform}-${service}-tls`;
}

/**
 * The Secret holding a service's own PostgreSQL role (keys `username`, `password`); written by the
 * schemas phase, which creates one role per service. The admin credentials never reach a service.
 */
export function postgresSecretName(platform: string, service: ServiceName): string {
  return `${platform}-${service}-postgres`;
}

/** Keys of the per-service PostgreSQL Secret. */
export const postgresSecretKeys = { username: 'username', password: 'password' } as const;

/** The NetworkPolicy that denies all traffic to and from the Platform's pods unless another allows it. */
export function defaultDenyPolicyName(platform: string): string {
  return `${platform}-default-deny`;
}

/** The in-cluster DNS name of a service's Service. */
export function serviceHost(platform: string, service: ServiceName, namespace: string): string {
  return `${serviceObjectName(platform, service)}.${namespace}.svc`;
}
