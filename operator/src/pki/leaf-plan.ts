/**
 * Deciding one identity's Secret: keep the leaf it holds, or issue a new one (and say why), and in
 * both cases carry the current trust bundle. Pure apart from generating keys, so the rules are
 * tested without a cluster.
 */
import type { X509Certificate } from 'node:crypto';
import type { KubeObject } from '../runtime/resource-kind.js';
import type { Ca } from './ca.js';
import type { WorkloadIdentity } from './identities.js';
import { issueLeaf } from './leaf.js';
import { type ReissueReason, reissueReason, renewalTime } from './renewal.js';
import { leafSecret, readLeafSecret } from './secret-shapes.js';

export interface LeafPlan {
  /** The Secret to apply. */
  secret: KubeObject;
  /** Why a new leaf was issued; undefined when the existing one was kept. */
  reissued: ReissueReason | undefined;
  notAfter: Date;
  renewalTime: Date;
}

/** The Secret `identity` should have now, given the Secret it has (`found`). */
export async function planLeafSecret(options: {
  found: KubeObject | undefined;
  identity: WorkloadIdentity;
  namespace: string;
  ca: Ca;
  bundle: readonly X509Certificate[];
  /** spec.mtls.certificateLifetime as written, and in milliseconds. */
  lifetime: string;
  lifetimeMs: number;
  renewBeforeMs: number;
  now: Date;
  /** The Platform's renewal request, when it names this identity (renew-request.ts). */
  renewRequest?: string | undefined;
}): Promise<LeafPlan> {
  const { identity, ca, now } = options;
  const found = readLeafSecret(options.found);
  const existing = typeof found === 'object' ? found : undefined;
  const reissued = reissueReason(found === 'malformed' ? found : existing?.leaf, {
    identity,
    ca,
    lifetime: options.lifetime,
    renewBeforeMs: options.renewBeforeMs,
    now,
    name: identity.secretName,
    renewRequest: options.renewRequest,
  });
  const leaf =
    reissued || !existing
      ? await issueLeaf({ ca, identity, now, lifetimeMs: options.lifetimeMs })
      : { cert: existing.leaf.cert, chainPem: existing.chainPem, keyPem: existing.keyPem };
  const notAfter = leaf.cert.validToDate;
  const renewal = renewalTime({
    notBefore: leaf.cert.validFromDate,
    notAfter,
    renewBeforeMs: options.renewBeforeMs,
    name: identity.secretName,
  });
  const secret = leafSecret({
    namespace: options.namespace,
    identity,
    chainPem: leaf.chainPem,
    keyPem: leaf.keyPem,
    bundle: options.bundle,
    issuerFingerprint: ca.fingerprint,
    lifetime: options.lifetime,
    notAfter,
    renewalTime: renewal,
    // A new leaf answers the request that names it, whatever else made it due; a kept one keeps its record.
    renewRequest:
      reissued && options.renewRequest !== undefined ? options.renewRequest : existing?.leaf.renewRequest,
  });
  return { secret, reissued, notAfter, renewalTime: renewal };
}
