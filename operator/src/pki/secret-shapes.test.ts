import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defined } from '../../test/defined.js';
import type { KubeObject } from '../runtime/resource-kind.js';
import { secretAnnotations } from './annotations.js';
import { CaError, createCa } from './ca.js';
import { advanceCa } from './ca-rotation.js';
import { platformIdentities } from './identities.js';
import { issueLeaf } from './leaf.js';
import { caSecret, leafSecret, readCaSecret, readLeafSecret } from './secret-shapes.js';
import { fingerprintOf, parseCertificates } from './x509.js';

const now = new Date('2026-03-01T12:00:00Z');
const hour = 3600_000;
const auth = defined(
  platformIdentities({ platform: 'quire', namespace: 'prod', trustDomain: 'quire.local' })[0],
  "auth's identity",
);
const decode = (s: KubeObject, key: string) =>
  Buffer.from((s.data as Record<string, string>)[key] ?? '', 'base64').toString('utf8');

describe('the Secret of a workload certificate', () => {
  it('is a kubernetes.io/tls Secret with the chain, the key and the bundle, and says what it was issued for', async () => {
    const ca = await createCa({ commonName: 'ca', now });
    const leaf = await issueLeaf({ ca, identity: auth, now, lifetimeMs: 24 * hour });
    const secret = leafSecret({
      namespace: 'prod',
      identity: auth,
      chainPem: leaf.chainPem,
      keyPem: leaf.keyPem,
      bundle: [ca.cert],
      issuerFingerprint: ca.fingerprint,
      lifetime: '24h',
      notAfter: leaf.cert.validToDate,
      renewalTime: new Date(now.getTime() + 16 * hour),
    });
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(secret.metadata).toMatchObject({ name: 'quire-auth-tls', namespace: 'prod' });
    expect(Object.keys(secret.data as object).sort()).toEqual(['ca.crt', 'tls.crt', 'tls.key']);
    expect(new X509Certificate(decode(secret, 'ca.crt')).fingerprint256).toBe(ca.cert.fingerprint256);
    expect(secret.metadata.annotations).toMatchObject({
      [secretAnnotations.spiffeId]: auth.spiffeId,
      [secretAnnotations.issuerFingerprint]: ca.fingerprint,
      [secretAnnotations.lifetime]: '24h',
    });
    const read = readLeafSecret(secret);
    expect(typeof read === 'object' && read.leaf.cert.serialNumber).toBe(leaf.cert.serialNumber);
  });

  it('reads as malformed when the key does not match or a file is missing', async () => {
    const ca = await createCa({ commonName: 'ca', now });
    const a = await issueLeaf({ ca, identity: auth, now, lifetimeMs: hour });
    const b = await issueLeaf({ ca, identity: auth, now, lifetimeMs: hour });
    const data = {
      'tls.crt': Buffer.from(a.chainPem).toString('base64'),
      'tls.key': Buffer.from(b.keyPem).toString('base64'),
    };
    expect(readLeafSecret({ metadata: {}, data })).toBe('malformed');
    expect(readLeafSecret({ metadata: {}, data: { 'tls.crt': data['tls.crt'] } })).toBe('malformed');
    expect(readLeafSecret(undefined)).toBeUndefined();
  });
});

describe('the CA Secret', () => {
  it('keeps the whole rotation state: signing CA, next CA, bundle and timings', async () => {
    const { state } = await advanceCa(undefined, { now, policy: { commonName: 'ca', overlapMs: 60_000 } });
    const step = await advanceCa(state, {
      now,
      policy: { commonName: 'ca', overlapMs: 60_000 },
      rotationToken: 'x',
    });
    const secret = caSecret({ name: 'quire-ca', namespace: 'prod', state: step.state });
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(parseCertificates(decode(secret, 'ca.crt'))).toHaveLength(2);
    const read = readCaSecret(secret, now);
    expect(read.active.fingerprint).toBe(step.state.active.fingerprint);
    expect(read.next?.fingerprint).toBe(step.state.next?.fingerprint);
    expect(read.bundle.map(fingerprintOf)).toEqual(step.state.bundle.map(fingerprintOf));
    expect(read.nextPublishedAt).toEqual(now);
    expect(read.rotationToken).toBe('x');
  });

  it('is refused with a reason when it lacks its key', () => {
    expect(() => readCaSecret({ metadata: { name: 'quire-ca' }, data: {} }, now)).toThrow(CaError);
  });
});
