/**
 * The annotations the PKI reads and writes. On the Platform: requests a person makes (a CA rotation,
 * a renewal of some certificates), each acted on once per new value. On Secrets: what a certificate
 * was issued for and where a CA rotation stands, so every decision survives an operator restart.
 */
const prefix = 'platform.quire.dev';

/** Platform annotations a person sets. */
export const platformAnnotations = {
  /** Any new value starts a CA rotation (with overlap), which reissues every certificate. */
  rotateCa: `${prefix}/rotate-ca`,
  /**
   * `<name>[,<name>...]@<token>`: reissue those certificates (services or `gateway`) with new keys,
   * once per new token, as `cmctl renew` does for a cert-manager Certificate (see renew-request.ts).
   */
  renewCertificates: `${prefix}/renew-certificates`,
} as const;

/**
 * Platform annotations the operator no longer reads. A Platform that still carries one is told, in
 * its status or an event, which field replaced it: ignoring it quietly could change its CA.
 */
export const retiredPlatformAnnotations = {
  /** Named the user's CA Secret; replaced by spec.mtls.issuer.caSecretRef. */
  caSecret: `${prefix}/ca-secret`,
} as const;

/** Annotations on the Secrets the PKI writes. */
export const secretAnnotations = {
  spiffeId: `${prefix}/spiffe-id`,
  /** SHA-256 of the CA certificate that signed the leaf. */
  issuerFingerprint: `${prefix}/issuer-fingerprint`,
  /** spec.mtls.certificateLifetime the leaf was issued for; a change reissues at once. */
  lifetime: `${prefix}/certificate-lifetime`,
  notAfter: `${prefix}/not-after`,
  renewalTime: `${prefix}/renewal-time`,
  /** On a leaf Secret: the last `renew-certificates` value that named it and was acted on. */
  renewRequest: `${prefix}/renew-request`,
  /** On the CA Secret: when the next CA was added to the bundle (it signs after the overlap). */
  nextPublishedAt: `${prefix}/ca-next-published-at`,
  /** On the CA Secret: when roots no longer in use leave the bundle. */
  retireAfter: `${prefix}/ca-retire-after`,
  /** On the CA Secret: SHA-256 of the user's CA the built-in CA chains to, if any. */
  parentFingerprint: `${prefix}/ca-parent-fingerprint`,
  /** On the CA Secret: the last `rotate-ca` value acted on. */
  rotationToken: `${prefix}/ca-rotation-token`,
} as const;
