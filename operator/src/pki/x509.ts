/**
 * The X.509 toolkit the PKI builds on: @peculiar/x509 over Node's WebCrypto for writing
 * certificates (no hand-written ASN.1), Node's own X509Certificate for reading them back. The
 * library resolves its algorithms through tsyringe, which needs a Reflect polyfill loaded first.
 */
import 'reflect-metadata';
import { createHash, createPrivateKey, webcrypto, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// Node's WebCrypto is complete for what the library needs; the cast bridges two typings of one API.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };

/** WebCrypto's types, from Node (the DOM library is not loaded). */
export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;
type SigningAlgorithm = webcrypto.Algorithm | webcrypto.EcdsaParams;

/** Every key the operator makes: ECDSA on P-256 with SHA-256, which every TLS stack supports. */
export const ecdsaP256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** A fresh P-256 key pair; extractable, so the private key can be written to a Secret. */
export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ecdsaP256, true, ['sign', 'verify']);
}

/** The private key as PKCS#8 PEM, the encoding cert-manager writes with `encoding: PKCS8`. */
export async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** The signature algorithm a key signs with (a user's CA may hold an RSA or P-384 key). */
export function signingAlgorithmOf(key: CryptoKey): SigningAlgorithm {
  if (key.algorithm.name === 'ECDSA') {
    const curve = (key.algorithm as webcrypto.EcKeyAlgorithm).namedCurve;
    return { name: 'ECDSA', hash: curve === 'P-384' ? 'SHA-384' : curve === 'P-521' ? 'SHA-512' : 'SHA-256' };
  }
  return key.algorithm;
}

const curves: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/**
 * Imports a private key from PEM in any encoding OpenSSL writes (PKCS#8, SEC1 `EC PRIVATE KEY`,
 * PKCS#1 `RSA PRIVATE KEY`) as a signing CryptoKey; throws on anything else.
 */
export function importPrivateKey(pem: string): {
  key: CryptoKey;
  object: ReturnType<typeof createPrivateKey>;
} {
  const object = createPrivateKey(pem);
  const type = object.asymmetricKeyType;
  if (type === 'ec') {
    const namedCurve = curves[object.asymmetricKeyDetails?.namedCurve ?? ''];
    if (!namedCurve) throw new Error(`unsupported elliptic curve ${object.asymmetricKeyDetails?.namedCurve}`);
    return { key: object.toCryptoKey({ name: 'ECDSA', namedCurve }, true, ['sign']), object };
  }
  if (type === 'rsa') {
    return {
      key: object.toCryptoKey({ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['sign']),
      object,
    };
  }
  throw new Error(`unsupported key type ${type}`);
}

/** The PEM blocks of certificates in a text, in order (a chain or a bundle). */
export function splitPem(text: string): string[] {
  return (
    text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)?.map((b) => `${b}\n`) ?? []
  );
}

/** Parses every certificate of a PEM text; throws on the first one that does not parse. */
export function parseCertificates(text: string): X509Certificate[] {
  return splitPem(text).map((pem) => new X509Certificate(pem));
}

/** The lowercase hex SHA-256 of a certificate's DER: the identity the operator records in annotations. */
export function fingerprintOf(cert: X509Certificate): string {
  return createHash('sha256').update(cert.raw).digest('hex');
}

/** The certificates as one PEM text, one block after another. */
export function joinPem(certs: readonly X509Certificate[]): string {
  return certs.map((c) => c.toString().trim()).join('\n') + (certs.length > 0 ? '\n' : '');
}

/** True when `cert` is self-issued and its signature verifies with its own key (a root). */
export function isSelfSigned(cert: X509Certificate): boolean {
  return cert.checkIssued(cert) && cert.verify(cert.publicKey);
}

/** True when `child` names `parent` as its issuer and `parent`'s key verifies its signature. */
export function isIssuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

/**
 * The authority key identifier for certificates `issuer` signs: its own subject key identifier
 * when it has one (a user's CA may compute it differently), else one derived from its key.
 */
export async function authorityKeyIdFor(
  issuer: X509Certificate,
): Promise<x509.AuthorityKeyIdentifierExtension> {
  const parsed = new x509.X509Certificate(issuer.raw);
  const ski = parsed.getExtension(x509.SubjectKeyIdentifierExtension);
  return ski
    ? new x509.AuthorityKeyIdentifierExtension(ski.keyId)
    : x509.AuthorityKeyIdentifierExtension.create(parsed.publicKey);
}

/** The issuer's subject as the library's Name, so a child's issuer field matches it byte for byte. */
export function subjectNameOf(cert: X509Certificate): x509.Name {
  return new x509.X509Certificate(cert.raw).subjectName;
}

/** The basicConstraints path length of a CA certificate; undefined when unlimited or absent. */
export function pathLengthOf(cert: X509Certificate): number | undefined {
  return new x509.X509Certificate(cert.raw).getExtension(x509.BasicConstraintsExtension)?.pathLength;
}
