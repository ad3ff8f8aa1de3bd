/**
 * Issuing a workload certificate (an X.509-SVID): a new P-256 key every time, the SPIFFE ID as the
 * one URI SAN, the service's DNS names, usable as TLS server and client, never as a CA.
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import type { Ca } from './ca.js';
import type { WorkloadIdentity } from './identities.js';
import {
  authorityKeyIdFor,
  generateKeyPair,
  joinPem,
  privateKeyPem,
  signingAlgorithmOf,
  subjectNameOf,
  x509,
} from './x509.js';

/** A leaf as it goes into a Secret. */
export interface IssuedLeaf {
  readonly cert: X509Certificate;
  /** tls.crt: the leaf followed by the CA chain up to, not including, the root. */
  readonly chainPem: string;
  /** tls.key: PKCS#8. */
  readonly keyPem: string;
}

/** Clock skew a leaf tolerates: it is valid from a minute before it is issued. */
export const backdateMs = 60_000;

/**
 * Issues a leaf for `identity`, valid for `lifetimeMs` from `now` but never past the CA's own
 * notAfter (a certificate cannot outlive its issuer).
 */
export async function issueLeaf(options: {
  ca: Ca;
  identity: WorkloadIdentity;
  now: Date;
  lifetimeMs: number;
}): Promise<IssuedLeaf> {
  const { ca, identity, now } = options;
  const keys = await generateKeyPair();
  const notAfter = new Date(Math.min(now.getTime() + options.lifetimeMs, ca.cert.validToDate.getTime()));
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const names: x509.JsonGeneralName[] = [
    ...identity.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    { type: 'url', value: identity.spiffeId },
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString('hex'),
    subject: [{ CN: [identity.serviceAccount] }],
    issuer: subjectNameOf(ca.cert),
    notBefore: new Date(now.getTime() - backdateMs),
    notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    signingAlgorithm: signingAlgorithmOf(ca.key),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      // ECDSA keys sign the handshake; they never encipher keys, so keyEncipherment would be wrong.
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([
        x509.ExtendedKeyUsage.serverAuth,
        x509.ExtendedKeyUsage.clientAuth,
      ]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await authorityKeyIdFor(ca.cert),
    ],
  });
  const node = new X509Certificate(cert.toString('pem'));
  return { cert: node, chainPem: joinPem([node, ...ca.chain]), keyPem: await privateKeyPem(keys.privateKey) };
}
