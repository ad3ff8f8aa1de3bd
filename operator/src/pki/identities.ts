/**
 * The workload identities a Platform has: one per service, and one for the API gateway that calls
 * the public services. Each names its ServiceAccount, SPIFFE ID, DNS names and the Secret that
 * holds its certificate; the certificates phase issues exactly these.
 */
import { type ServiceName, serviceNames, spiffeId } from '@quire/kit/catalogue';
import { serviceObjectName, tlsSecretName } from '../render/names.js';

/** The identity the API gateway presents to the public services. */
export const gatewayIdentityName = 'gateway';

/** The names of a Platform's identities (the services, then the gateway), as status.certificates lists them. */
export const identityNames: readonly string[] = [...serviceNames, gatewayIdentityName];

/** The Secret holding the gateway's client certificate: `<platform>-gateway-tls`. */
export function gatewayTlsSecretName(platform: string): string {
  return `${platform}-${gatewayIdentityName}-tls`;
}

/** The Secret holding the Platform's CA (tls.crt, tls.key) and trust bundle (ca.crt): `<platform>-ca`. */
export function caSecretName(platform: string): string {
  return `${platform}-ca`;
}

/** The cert-manager Certificate of an identity: `<platform>-<identity>`. */
export function certificateName(platform: string, identity: string): string {
  return `${platform}-${identity}`;
}

export interface WorkloadIdentity {
  /** The service name, or `gateway`; also the entry's name in status.certificates. */
  readonly name: ServiceName | typeof gatewayIdentityName;
  readonly serviceAccount: string;
  readonly spiffeId: string;
  /** Names the service is reached by, short to fully qualified; none for the gateway, which only calls. */
  readonly dnsNames: readonly string[];
  readonly secretName: string;
}

export interface IdentityScope {
  platform: string;
  namespace: string;
  trustDomain: string;
  /** The cluster's DNS domain; `cluster.local` unless the cluster was set up otherwise. */
  clusterDomain?: string;
}

/** The eight identities of a Platform, services first in catalogue order, then the gateway. */
export function platformIdentities(scope: IdentityScope): WorkloadIdentity[] {
  const domain = scope.clusterDomain ?? 'cluster.local';
  const services = serviceNames.map((service): WorkloadIdentity => {
    const host = serviceObjectName(scope.platform, service);
    return {
      name: service,
      serviceAccount: host,
      spiffeId: spiffeId(scope.trustDomain, scope.namespace, host),
      dnsNames: [
        host,
        `${host}.${scope.namespace}`,
        `${host}.${scope.namespace}.svc`,
        `${host}.${scope.namespace}.svc.${domain}`,
      ],
      secretName: tlsSecretName(scope.platform, service),
    };
  });
  const gatewayAccount = `${scope.platform}-${gatewayIdentityName}`;
  return [
    ...services,
    {
      name: gatewayIdentityName,
      serviceAccount: gatewayAccount,
      spiffeId: spiffeId(scope.trustDomain, scope.namespace, gatewayAccount),
      dnsNames: [],
      secretName: gatewayTlsSecretName(scope.platform),
    },
  ];
}
