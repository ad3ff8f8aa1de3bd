/**
 * cert-manager mode: instead of signing, the operator asks cert-manager for the same certificates
 * through Certificate objects whose Secrets have the built-in shape (tls.crt with the chain,
 * tls.key, ca.crt from CA-type issuers), the same SANs, usages, lifetime and jittered renewal.
 */
import { managedByLabel, managedByValue, ownerNameLabel } from '../runtime/ownership.js';
import type { KubeObject, ResourceKind } from '../runtime/resource-kind.js';
import { secretAnnotations } from './annotations.js';
import { certificateName, type WorkloadIdentity } from './identities.js';
import { jitterFraction, maxJitterShare } from './renewal.js';

export const certificateKind: ResourceKind = {
  group: 'cert-manager.io',
  version: 'v1',
  kind: 'Certificate',
  plural: 'certificates',
  namespaced: true,
};

/** A duration as cert-manager (Go) writes it: `8h`, `1h30m`, `45m10s`. */
export function goDuration(ms: number): string {
  let seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  seconds -= h * 3600;
  const m = Math.floor(seconds / 60);
  const s = seconds - m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

export interface IssuerRef {
  name: string;
  kind: 'Issuer' | 'ClusterIssuer';
  group: string;
}

/**
 * The Certificate for one identity. cert-manager has no renewal jitter, so it is folded into
 * renewBefore: up to 5 % of the lifetime earlier, fixed by the Secret's name.
 */
export function buildCertificate(options: {
  platform: string;
  namespace: string;
  identity: WorkloadIdentity;
  issuerRef: IssuerRef;
  lifetimeMs: number;
  renewBeforeMs: number;
}): KubeObject {
  const { identity, lifetimeMs, renewBeforeMs } = options;
  const jitter = jitterFraction(identity.secretName) * maxJitterShare * lifetimeMs;
  const renewBefore = Math.min(renewBeforeMs + jitter, (renewBeforeMs + lifetimeMs) / 2);
  return {
    apiVersion: `${certificateKind.group}/${certificateKind.version}`,
    kind: certificateKind.kind,
    metadata: { name: certificateName(options.platform, identity.name), namespace: options.namespace },
    spec: {
      secretName: identity.secretName,
      secretTemplate: {
        // The operator caches only Secrets with its label; the identity label says whose it is.
        labels: {
          [managedByLabel]: managedByValue,
          [ownerNameLabel]: options.platform,
          'app.kubernetes.io/component': 'workload-certificate',
          'platform.quire.dev/identity': identity.name,
        },
        annotations: { [secretAnnotations.spiffeId]: identity.spiffeId },
      },
      commonName: identity.serviceAccount,
      ...(identity.dnsNames.length > 0 ? { dnsNames: [...identity.dnsNames] } : {}),
      uris: [identity.spiffeId],
      duration: goDuration(lifetimeMs),
      renewBefore: goDuration(renewBefore),
      privateKey: { algorithm: 'ECDSA', size: 256, encoding: 'PKCS8', rotationPolicy: 'Always' },
      usages: ['digital signature', 'server auth', 'client auth'],
      issuerRef: { ...options.issuerRef },
    },
  };
}

/** What a Certificate's status says: Ready, and its notAfter and renewal time once issued. */
export function certificateStatusOf(certificate: KubeObject | undefined): {
  ready: boolean;
  message: string;
  notAfter?: Date;
  renewalTime?: Date;
} {
  const status = certificate?.status as
    | {
        notAfter?: string;
        renewalTime?: string;
        conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
      }
    | undefined;
  const ready = status?.conditions?.find((c) => c.type === 'Ready');
  return {
    ready: ready?.status === 'True',
    message: ready
      ? `${ready.reason ?? ready.status}: ${ready.message ?? ''}`
      : 'not yet processed by cert-manager',
    ...(status?.notAfter ? { notAfter: new Date(status.notAfter) } : {}),
    ...(status?.renewalTime ? { renewalTime: new Date(status.renewalTime) } : {}),
  };
}
