/**
 * Certificate authorities: the built-in root the operator creates, an intermediate under a CA the
 * user supplies, and the checks a CA must pass before it signs anything. A CA that fails a check is
 * a typed error whose reason becomes the CertificatesReady condition's, so the status says which.
 */
import { type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import {
  authorityKeyIdFor,
  type CryptoKey,
  fingerprintOf,
  generateKeyPair,
  importPrivateKey,
  isIssuedBy,
  isSelfSigned,
  parseCertificates,
  privateKeyPem,
  signingAlgorithmOf,
  subjectNameOf,
  x509,
} from './x509.js';

/** Why a CA cannot be used; each is also the CertificatesReady reason. */
export const CaProblem = {
  /** The Secret lacks tls.crt or tls.key, or they do not parse, or the chain does not link up. */
  Malformed: 'CaSecretMalformed',
  /** The CA certificate's notAfter has passed. */
  Expired: 'CaExpired',
  /** The CA certificate's notBefore is still ahead. */
  NotYetValid: 'CaNotYetValid',
  /** The certificate lacks basicConstraints CA:TRUE or the keyCertSign usage. */
  NotACa: 'CaNotACertificateAuthority',
  /** tls.key is not the key of tls.crt. */
  KeyMismatch: 'CaKeyMismatch',
} as const;
export type CaProblem = (typeof CaProblem)[keyof typeof CaProblem];

/** A CA that cannot be used, with the reason and a message that tells a person what to fix. */
export class CaError extends Error {
  readonly reason: CaProblem;

  constructor(reason: CaProblem, message: string) {
    super(message);
    this.name = 'CaError';
    this.reason = reason;
  }
}

/** A CA that can sign: its certificate and key, the chain above it, and the root it leads to. */
export interface Ca {
  readonly cert: X509Certificate;
  readonly key: CryptoKey;
  readonly keyPem: string;
  /** This CA and the intermediates above it, without the root: what follows a leaf in tls.crt. */
  readonly chain: readonly X509Certificate[];
  /** The self-signed root the chain ends at: what goes into the trust bundle. */
  readonly root: X509Certificate;
  /** SHA-256 of `cert`, recorded on every leaf it signs. */
  readonly fingerprint: string;
}

/** How long a built-in CA lives unless told otherwise: five years, so a one-year leaf always fits. */
export const defaultCaLifetimeMs = 5 * 365 * 24 * 3600_000;

const randomSerial = () => {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive, as RFC 5280 requires
  return bytes.toString('hex');
};

/**
 * Creates a CA: a self-signed root, or an intermediate signed by `parent` (never outliving it).
 * The key is a new P-256 key; path length 0 unless asked, so it signs leaves but no further CAs.
 */
export async function createCa(options: {
  commonName: string;
  now: Date;
  lifetimeMs?: number;
  parent?: Ca;
  /** Intermediates allowed below it; 0 (the default) lets it sign leaves only. */
  pathLength?: number;
}): Promise<Ca> {
  const { parent, now } = options;
  const keys = await generateKeyPair();
  const wanted = now.getTime() + (options.lifetimeMs ?? defaultCaLifetimeMs);
  const notAfter = new Date(Math.min(wanted, parent ? parent.cert.validToDate.getTime() : wanted));
  const extensions = [
    new x509.BasicConstraintsExtension(true, options.pathLength ?? 0, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  // Backdated a minute, so a node whose clock is slightly behind still accepts it.
  const notBefore = new Date(now.getTime() - 60_000);
  const cert = parent
    ? await x509.X509CertificateGenerator.create({
        serialNumber: randomSerial(),
        subject: `CN=${options.commonName}`,
        issuer: subjectNameOf(parent.cert),
        notBefore,
        notAfter,
        publicKey: keys.publicKey,
        signingKey: parent.key,
        signingAlgorithm: signingAlgorithmOf(parent.key),
        extensions: [...extensions, await authorityKeyIdFor(parent.cert)],
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: randomSerial(),
        name: `CN=${options.commonName}`,
        notBefore,
        notAfter,
        keys,
        signingAlgorithm: signingAlgorithmOf(keys.privateKey),
        extensions,
      });
  const node = new X509Certificate(cert.toString('pem'));
  return {
    cert: node,
    key: keys.privateKey,
    keyPem: await privateKeyPem(keys.privateKey),
    chain: parent ? [node, ...parent.chain] : [],
    root: parent ? parent.root : node,
    fingerprint: fingerprintOf(node),
  };
}

/** True when a certificate may sign others: CA:TRUE, and keyCertSign when key usage is present. */
function canSign(cert: X509Certificate): boolean {
  if (!cert.ca) return false;
  const usage = new x509.X509Certificate(cert.raw).getExtension(x509.KeyUsagesExtension);
  return !usage || (usage.usages & x509.KeyUsageFlags.keyCertSign) !== 0;
}

/**
 * Reads a CA from PEM: `certPem` is the CA certificate, optionally followed by the intermediates
 * above it; `anchorsPem` holds candidate roots (a CA Secret's ca.crt). Throws CaError when the CA
 * is malformed, expired, not yet valid, not a CA, or not the key's certificate.
 */
export function parseCa(options: { certPem: string; keyPem: string; anchorsPem?: string; now: Date }): Ca {
  const what = (e: unknown) => (e instanceof Error ? e.message : String(e));
  let certs: X509Certificate[];
  let anchors: X509Certificate[];
  try {
    certs = parseCertificates(options.certPem);
    anchors = parseCertificates(options.anchorsPem ?? '');
  } catch (error) {
    throw new CaError(CaProblem.Malformed, `a certificate does not parse: ${what(error)}`);
  }
  const [cert] = certs;
  if (!cert) throw new CaError(CaProblem.Malformed, 'tls.crt holds no PEM certificate');
  let key: { key: CryptoKey; object: KeyObject };
  try {
    key = importPrivateKey(options.keyPem);
  } catch (error) {
    throw new CaError(CaProblem.Malformed, `tls.key is not a usable private key: ${what(error)}`);
  }
  const subject = cert.subject.replaceAll('\n', ', ');
  if (!canSign(cert)) {
    throw new CaError(
      CaProblem.NotACa,
      `the certificate ${subject} is not a CA: it lacks basicConstraints CA:TRUE or the keyCertSign usage`,
    );
  }
  if (!cert.checkPrivateKey(key.object)) {
    throw new CaError(CaProblem.KeyMismatch, `tls.key is not the private key of the certificate ${subject}`);
  }
  const now = options.now.getTime();
  if (cert.validToDate.getTime() <= now) {
    throw new CaError(CaProblem.Expired, `the CA certificate ${subject} expired at ${cert.validTo}`);
  }
  if (cert.validFromDate.getTime() > now) {
    throw new CaError(
      CaProblem.NotYetValid,
      `the CA certificate ${subject} is valid only from ${cert.validFrom}`,
    );
  }
  for (let i = 0; i + 1 < certs.length; i++) {
    const [child, parent] = [certs[i], certs[i + 1]] as [X509Certificate, X509Certificate];
    if (!isIssuedBy(child, parent)) {
      throw new CaError(
        CaProblem.Malformed,
        'the certificates in tls.crt do not form a chain, each signed by the next',
      );
    }
  }
  const top = certs[certs.length - 1] as X509Certificate;
  const root = isSelfSigned(top) ? top : anchors.find((a) => isSelfSigned(a) && isIssuedBy(top, a));
  if (!root) {
    throw new CaError(
      CaProblem.Malformed,
      'the chain does not end at a self-signed root; add the root as ca.crt',
    );
  }
  if (root.validToDate.getTime() <= now) {
    throw new CaError(
      CaProblem.Expired,
      `the root CA ${root.subject.replaceAll('\n', ', ')} expired at ${root.validTo}`,
    );
  }
  return {
    cert,
    key: key.key,
    keyPem: options.keyPem,
    chain: certs.filter((c) => c !== root),
    root,
    fingerprint: fingerprintOf(cert),
  };
}
