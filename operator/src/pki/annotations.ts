/**
 * The annotations the PKI reads and writes. On the Platform: the interim switches for a
 * user-supplied CA and a manual CA rotation. On Secrets: what a certificate was issued for and
 * where a CA rotation stands, so every decision survives an operator restart.
 */
const prefix = 'platform.quire.dev';

/** Platform annotations a person sets. */
export const platformAnnotations = {
  /**
   * Name of a Secret in the Platform's namespace with the user's CA (tls.crt, tls.key, optional
   * ca.crt); the built-in CA becomes an intermediate under it. Until the API has a spec field.
   */
  caSecret: `${prefix}/ca-secret`,
  /** Any new value starts a CA rotation (with overlap), as `cmctl renew` does for one certificate. */
  rotateCa: `${prefix}/rotate-ca`,
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
  /** On the CA Secret: when the next CA was added to the bundle (it signs after the overlap). */
  nextPublishedAt: `${prefix}/ca-next-published-at`,
  /** On the CA Secret: when roots no longer in use leave the bundle. */
  retireAfter: `${prefix}/ca-retire-after`,
  /** On the CA Secret: SHA-256 of the user's CA the built-in CA chains to, if any. */
  parentFingerprint: `${prefix}/ca-parent-fingerprint`,
  /** On the CA Secret: the last `rotate-ca` value acted on. */
  rotationToken: `${prefix}/ca-rotation-token`,
} as const;
