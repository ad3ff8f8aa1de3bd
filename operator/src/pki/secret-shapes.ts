/**
 * The Secrets the PKI writes and reads back: one `kubernetes.io/tls` Secret per identity with
 * tls.crt (leaf and chain), tls.key and ca.crt (the trust bundle), the same shape cert-manager
 * writes; and the CA Secret, whose tls.crt/tls.key a cert-manager CA Issuer could also use.
 */
import type { X509Certificate } from 'node:crypto';
import { tlsFiles } from '@quire/kit/catalogue';
import type { KubeObject } from '../runtime/resource-kind.js';
import { secretAnnotations as a } from './annotations.js';
import { type Ca, CaError, CaProblem, parseCa } from './ca.js';
import type { CaState } from './ca-rotation.js';
import type { WorkloadIdentity } from './identities.js';
import type { ExistingLeaf } from './renewal.js';
import { importPrivateKey, joinPem, parseCertificates, pathLengthOf } from './x509.js';

const next = { cert: 'next.crt', key: 'next.key' } as const;

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const text = (secret: KubeObject, key: string): string | undefined => {
  const data = (secret.data as Record<string, string> | undefined)?.[key];
  return data === undefined ? undefined : Buffer.from(data, 'base64').toString('utf8');
};
const iso = (date: Date | undefined) => date?.toISOString();
const date = (value: string | undefined) => (value ? new Date(value) : undefined);
const defined = (record: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as Record<string, string>;

/** A leaf's Secret: what a pod mounts at /var/run/quire/tls. */
export function leafSecret(options: {
  namespace: string;
  identity: WorkloadIdentity;
  chainPem: string;
  keyPem: string;
  bundle: readonly X509Certificate[];
  issuerFingerprint: string;
  lifetime: string;
  notAfter: Date;
  renewalTime: Date;
  /** The renewal request this leaf answers, kept so the same request is not acted on twice. */
  renewRequest?: string | undefined;
}): KubeObject {
  const { identity } = options;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: {
      name: identity.secretName,
      namespace: options.namespace,
      labels: {
        'app.kubernetes.io/component': 'workload-certificate',
        'platform.quire.dev/identity': identity.name,
      },
      annotations: defined({
        [a.spiffeId]: identity.spiffeId,
        [a.issuerFingerprint]: options.issuerFingerprint,
        [a.lifetime]: options.lifetime,
        [a.notAfter]: options.notAfter.toISOString(),
        [a.renewalTime]: options.renewalTime.toISOString(),
        [a.renewRequest]: options.renewRequest,
      }),
    },
    data: {
      [tlsFiles.cert]: b64(options.chainPem),
      [tlsFiles.key]: b64(options.keyPem),
      [tlsFiles.ca]: b64(joinPem(options.bundle)),
    },
  };
}

/** A leaf read back from its Secret; 'malformed' when tls.crt or tls.key is missing, unreadable or mismatched. */
export function readLeafSecret(
  secret: KubeObject | undefined,
): { leaf: ExistingLeaf; chainPem: string; keyPem: string } | 'malformed' | undefined {
  if (!secret) return undefined;
  const chainPem = text(secret, tlsFiles.cert);
  const keyPem = text(secret, tlsFiles.key);
  if (!chainPem || !keyPem) return 'malformed';
  try {
    const [cert] = parseCertificates(chainPem);
    if (!cert?.checkPrivateKey(importPrivateKey(keyPem).object)) return 'malformed';
    const annotations = secret.metadata.annotations ?? {};
    const leaf = { cert, lifetime: annotations[a.lifetime], renewRequest: annotations[a.renewRequest] };
    return { leaf, chainPem, keyPem };
  } catch {
    return 'malformed';
  }
}

/** The CA Secret for a CA state: the signing CA, the next one while it is being published, the bundle. */
export function caSecret(options: { name: string; namespace: string; state: CaState }): KubeObject {
  const { state } = options;
  const pem = (ca: Ca) => joinPem(ca.chain.length > 0 ? ca.chain : [ca.cert]);
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: {
      name: options.name,
      namespace: options.namespace,
      labels: { 'app.kubernetes.io/component': 'certificate-authority' },
      annotations: defined({
        [a.notAfter]: state.active.cert.validToDate.toISOString(),
        [a.nextPublishedAt]: iso(state.nextPublishedAt),
        [a.retireAfter]: iso(state.retireAfter),
        [a.parentFingerprint]: state.parentFingerprint,
        [a.rotationToken]: state.rotationToken,
      }),
    },
    data: defined({
      [tlsFiles.cert]: b64(pem(state.active)),
      [tlsFiles.key]: b64(state.active.keyPem),
      [tlsFiles.ca]: b64(joinPem(state.bundle)),
      [next.cert]: state.next ? b64(pem(state.next)) : undefined,
      [next.key]: state.next ? b64(state.next.keyPem) : undefined,
    }),
  };
}

/** The CA state kept in a CA Secret; throws CaError when it cannot be used. */
export function readCaSecret(secret: KubeObject, now: Date): CaState {
  const certPem = text(secret, tlsFiles.cert);
  const keyPem = text(secret, tlsFiles.key);
  const bundlePem = text(secret, tlsFiles.ca) ?? '';
  if (!certPem || !keyPem) {
    throw new CaError(CaProblem.Malformed, `the Secret ${secret.metadata.name} lacks tls.crt or tls.key`);
  }
  let bundle: X509Certificate[];
  try {
    bundle = parseCertificates(bundlePem);
  } catch (error) {
    throw new CaError(CaProblem.Malformed, `ca.crt does not parse: ${String(error)}`);
  }
  const active = parseCa({ certPem, keyPem, anchorsPem: bundlePem, now });
  const nextCert = text(secret, next.cert);
  const nextKey = text(secret, next.key);
  const annotations = secret.metadata.annotations ?? {};
  const state: CaState = {
    active,
    bundle,
    nextPublishedAt: date(annotations[a.nextPublishedAt]),
    retireAfter: date(annotations[a.retireAfter]),
    parentFingerprint: annotations[a.parentFingerprint],
    rotationToken: annotations[a.rotationToken],
  };
  if (nextCert && nextKey)
    state.next = parseCa({ certPem: nextCert, keyPem: nextKey, anchorsPem: bundlePem, now });
  return state;
}

/** Where in the user's Secret its CA is: spec.mtls.issuer.caSecretRef's keys. */
export interface UserCaKeys {
  certificateKey: string;
  privateKeyKey: string;
}

/** The user's CA from its Secret (certificate with any intermediates, key, optional ca.crt root). */
export function readUserCaSecret(secret: KubeObject, now: Date, keys: UserCaKeys): Ca {
  const certPem = text(secret, keys.certificateKey);
  const keyPem = text(secret, keys.privateKeyKey);
  const missing = [
    certPem ? undefined : `${keys.certificateKey} (caSecretRef.certificateKey)`,
    keyPem ? undefined : `${keys.privateKeyKey} (caSecretRef.privateKeyKey)`,
  ].filter((k) => k !== undefined);
  if (!certPem || !keyPem) {
    const found = Object.keys((secret.data as Record<string, string> | undefined) ?? {});
    throw new CaError(
      CaProblem.Malformed,
      `the Secret ${secret.metadata.name} has no ${missing.join(' and no ')}; its keys are ${found.length > 0 ? found.join(', ') : 'none'}`,
    );
  }
  const anchorsPem = text(secret, tlsFiles.ca);
  const ca = parseCa({ certPem, keyPem, now, ...(anchorsPem ? { anchorsPem } : {}) });
  // The built-in CA becomes an intermediate below it, which a path length of 0 forbids.
  if (pathLengthOf(ca.cert) === 0) {
    throw new CaError(
      CaProblem.NotACa,
      `the certificate ${ca.cert.subject.replaceAll('\n', ', ')} has a path length of 0, so it may sign leaves only, not the Platform's intermediate CA`,
    );
  }
  return ca;
}
