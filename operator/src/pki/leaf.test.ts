import { createPrivateKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defined } from '../../test/defined.js';
import { createCa } from './ca.js';
import { platformIdentities } from './identities.js';
import { backdateMs, issueLeaf } from './leaf.js';
import { isIssuedBy, parseCertificates, x509 } from './x509.js';

const now = new Date('2026-03-01T12:00:00Z');
const hour = 3600_000;
const identities = platformIdentities({
  platform: 'quire',
  namespace: 'prod',
  trustDomain: 'quire.example.com',
});
const auth = defined(identities[0], "auth's identity");
const gateway = defined(identities[7], "the gateway's identity");

describe('issuing a workload certificate', () => {
  it('names the service by its DNS names and one SPIFFE URI', async () => {
    const ca = await createCa({ commonName: 'ca', now });
    const leaf = await issueLeaf({ ca, identity: auth, now, lifetimeMs: 24 * hour });
    const cert = new X509Certificate(leaf.chainPem);
    expect(cert.subjectAltName).toBe(
      'DNS:quire-auth, DNS:quire-auth.prod, DNS:quire-auth.prod.svc, DNS:quire-auth.prod.svc.cluster.local, URI:spiffe://quire.example.com/ns/prod/sa/quire-auth',
    );
    expect(cert.subject).toBe('CN=quire-auth');
  });

  it('gives the gateway an identity without DNS names', async () => {
    const ca = await createCa({ commonName: 'ca', now });
    const leaf = await issueLeaf({ ca, identity: gateway, now, lifetimeMs: hour });
    expect(leaf.cert.subjectAltName).toBe('URI:spiffe://quire.example.com/ns/prod/sa/quire-gateway');
  });

  it('is usable for TLS server and client authentication and never as a CA', async () => {
    const ca = await createCa({ commonName: 'ca', now });
    const { cert } = await issueLeaf({ ca, identity: auth, now, lifetimeMs: hour });
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    const usages = new x509.X509Certificate(cert.raw).getExtension(x509.KeyUsagesExtension);
    expect(usages?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(usages?.critical).toBe(true);
  });

  it('lasts the requested lifetime from a minute before issuance', async () => {
    const ca = await createCa({ commonName: 'ca', now });
    const { cert } = await issueLeaf({ ca, identity: auth, now, lifetimeMs: 24 * hour });
    expect(cert.validFromDate.getTime()).toBe(now.getTime() - backdateMs);
    expect(cert.validToDate.getTime()).toBe(now.getTime() + 24 * hour);
  });

  it('never outlives its CA', async () => {
    const ca = await createCa({ commonName: 'ca', now, lifetimeMs: 2 * hour });
    const { cert } = await issueLeaf({ ca, identity: auth, now, lifetimeMs: 24 * hour });
    expect(cert.validToDate).toEqual(ca.cert.validToDate);
  });

  it('has a new P-256 key every time, matching the certificate', async () => {
    const ca = await createCa({ commonName: 'ca', now });
    const a = await issueLeaf({ ca, identity: auth, now, lifetimeMs: hour });
    const b = await issueLeaf({ ca, identity: auth, now, lifetimeMs: hour });
    expect(a.keyPem).not.toBe(b.keyPem);
    expect(a.cert.checkPrivateKey(createPrivateKey(a.keyPem))).toBe(true);
    expect(a.cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(a.cert.serialNumber).not.toBe(b.cert.serialNumber);
  });

  it('carries the chain up to, not including, the root in tls.crt', async () => {
    const root = await createCa({ commonName: 'user root', now, pathLength: 1 });
    const ca = await createCa({ commonName: 'intermediate', now, parent: root });
    const leaf = await issueLeaf({ ca, identity: auth, now, lifetimeMs: hour });
    const chain = parseCertificates(leaf.chainPem);
    expect(chain.map((c) => c.subject)).toEqual(['CN=quire-auth', 'CN=intermediate']);
    const [leafCert, intermediate] = chain;
    expect(isIssuedBy(defined(leafCert, 'a leaf'), defined(intermediate, 'an intermediate'))).toBe(true);
    expect(isIssuedBy(defined(intermediate, 'an intermediate'), root.cert)).toBe(true);
  });
});
