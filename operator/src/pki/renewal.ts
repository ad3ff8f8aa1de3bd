/**
 * When a certificate is renewed, and whether an existing one must be replaced now. Renewal comes
 * `renewBefore` ahead of expiry (two thirds into the default 24 h) minus a jitter of up to 5 % of
 * the lifetime, so certificates issued together do not all renew together. The jitter is derived
 * from the Secret's name: stable across reconciles and operator restarts, and reproducible in tests.
 */
import { createHash, type X509Certificate } from 'node:crypto';
import { subjectAltNameDnsNames, subjectAltNameUris } from '@quire/kit/catalogue';
import type { Ca } from './ca.js';
import type { WorkloadIdentity } from './identities.js';
import { isIssuedBy } from './x509.js';

/** The largest jitter, as a share of the lifetime. */
export const maxJitterShare = 0.05;

/** A number in [0, 1) fixed by `name`. */
export function jitterFraction(name: string): number {
  return createHash('sha256').update(name).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * When to renew a certificate valid from `notBefore` to `notAfter`. A `renewBefore` as long as the
 * lifetime (a leaf cut short by its CA's expiry) falls back to a third of it, as cert-manager does.
 */
export function renewalTime(options: {
  notBefore: Date;
  notAfter: Date;
  renewBeforeMs: number;
  name: string;
}): Date {
  const start = options.notBefore.getTime();
  const end = options.notAfter.getTime();
  const lifetime = Math.max(0, end - start);
  const renewBefore = options.renewBeforeMs < lifetime ? options.renewBeforeMs : lifetime / 3;
  const base = end - renewBefore;
  // Never earlier than halfway to the base time, so a short lifetime is not renewed at once.
  const jitter = Math.min(jitterFraction(options.name) * maxJitterShare * lifetime, (base - start) / 2);
  return new Date(Math.floor(base - Math.max(0, jitter)));
}

/** Why a certificate is issued again (or for the first time). */
export const ReissueReason = {
  Missing: 'Missing',
  Malformed: 'Malformed',
  Expiring: 'Expiring',
  SansChanged: 'SansChanged',
  IssuerChanged: 'IssuerChanged',
  LifetimeChanged: 'LifetimeChanged',
  Requested: 'Requested',
} as const;
export type ReissueReason = (typeof ReissueReason)[keyof typeof ReissueReason];

/** How each reason reads in an event note. */
export const reissueWording: Record<ReissueReason, string> = {
  Missing: 'it did not exist',
  Malformed: 'the Secret did not hold a usable certificate and key',
  Expiring: 'it reached its renewal time',
  SansChanged: 'its DNS names or SPIFFE ID changed',
  IssuerChanged: 'the signing CA changed',
  LifetimeChanged: 'spec.mtls.certificateLifetime changed',
  Requested: 'a renewal was requested on the Platform',
};

/** A leaf as found in its Secret. */
export interface ExistingLeaf {
  cert: X509Certificate;
  /** The certificateLifetime it was issued for (an annotation on the Secret). */
  lifetime: string | undefined;
  /** The last renewal request it was reissued for (an annotation on the Secret). */
  renewRequest?: string | undefined;
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/** Why `existing` must be replaced now, or undefined when it can keep serving. */
export function reissueReason(
  existing: ExistingLeaf | 'malformed' | undefined,
  want: {
    identity: WorkloadIdentity;
    ca: Ca;
    lifetime: string;
    renewBeforeMs: number;
    now: Date;
    name: string;
    /** The Platform's renewal request, when it names this certificate (renew-request.ts). */
    renewRequest?: string | undefined;
  },
): ReissueReason | undefined {
  if (existing === undefined) return ReissueReason.Missing;
  if (existing === 'malformed') return ReissueReason.Malformed;
  const { cert } = existing;
  const san = cert.subjectAltName;
  if (!sameSet(subjectAltNameDnsNames(san), want.identity.dnsNames)) return ReissueReason.SansChanged;
  if (!sameSet(subjectAltNameUris(san), [want.identity.spiffeId])) return ReissueReason.SansChanged;
  if (!isIssuedBy(cert, want.ca.cert)) return ReissueReason.IssuerChanged;
  if (existing.lifetime !== want.lifetime) return ReissueReason.LifetimeChanged;
  if (want.renewRequest !== undefined && want.renewRequest !== existing.renewRequest) {
    return ReissueReason.Requested;
  }
  const renewAt = renewalTime({
    notBefore: cert.validFromDate,
    notAfter: cert.validToDate,
    renewBeforeMs: want.renewBeforeMs,
    name: want.name,
  });
  if (want.now.getTime() >= renewAt.getTime()) return ReissueReason.Expiring;
  return undefined;
}
