import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaError, CaProblem, createCa, parseCa } from './ca.js';
import { isIssuedBy, isSelfSigned, joinPem, x509 } from './x509.js';

const now = new Date('2026-03-01T12:00:00Z');
const day = 24 * 3600_000;

/** The CaError `fn` throws; fails the test when it throws nothing or something else. */
function caErrorOf(fn: () => unknown): CaError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CaError) return error;
    throw error;
  }
  throw new Error('expected a CaError');
}

describe('a built-in CA', () => {
  it('is a self-signed P-256 root that may sign leaves only, valid for five years by default', async () => {
    const ca = await createCa({ commonName: 'Quire test CA', now });
    expect(isSelfSigned(ca.cert)).toBe(true);
    expect(ca.cert.ca).toBe(true);
    expect(ca.cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const parsed = new x509.X509Certificate(ca.cert.raw);
    expect(parsed.getExtension(x509.BasicConstraintsExtension)?.pathLength).toBe(0);
    const usages = parsed.getExtension(x509.KeyUsagesExtension)?.usages ?? 0;
    expect(usages & x509.KeyUsageFlags.keyCertSign).toBeTruthy();
    expect(ca.cert.validToDate.getTime() - now.getTime()).toBe(5 * 365 * day);
    expect(ca.chain).toEqual([]);
    expect(ca.root).toBe(ca.cert);
  });

  it('under a user CA is an intermediate that chains to the user root and never outlives it', async () => {
    const user = await createCa({ commonName: 'User root', now, lifetimeMs: 30 * day, pathLength: 1 });
    const ca = await createCa({ commonName: 'Quire intermediate', now, parent: user });
    expect(isIssuedBy(ca.cert, user.cert)).toBe(true);
    expect(ca.root).toBe(user.cert);
    expect(ca.chain).toEqual([ca.cert]);
    expect(ca.cert.validToDate).toEqual(user.cert.validToDate);
  });

  it('reads back from PEM with the same fingerprint', async () => {
    const ca = await createCa({ commonName: 'Round trip', now });
    const read = parseCa({ certPem: ca.cert.toString(), keyPem: ca.keyPem, now });
    expect(read.fingerprint).toBe(ca.fingerprint);
  });
});

describe('a CA that cannot be used', () => {
  it('is malformed when tls.crt holds no certificate or tls.key no key', async () => {
    const ca = await createCa({ commonName: 'ok', now });
    expect(caErrorOf(() => parseCa({ certPem: 'garbage', keyPem: ca.keyPem, now })).reason).toBe(
      CaProblem.Malformed,
    );
    expect(caErrorOf(() => parseCa({ certPem: ca.cert.toString(), keyPem: 'nope', now })).reason).toBe(
      CaProblem.Malformed,
    );
  });

  it('is expired once its notAfter has passed', async () => {
    const ca = await createCa({ commonName: 'short', now, lifetimeMs: day });
    const error = caErrorOf(() =>
      parseCa({ certPem: ca.cert.toString(), keyPem: ca.keyPem, now: new Date(now.getTime() + 2 * day) }),
    );
    expect(error.reason).toBe(CaProblem.Expired);
    expect(error.message).toMatch(/expired at/);
  });

  it('is not a CA when it is a leaf certificate', async () => {
    const { issueLeaf } = await import('./leaf.js');
    const ca = await createCa({ commonName: 'issuer', now });
    const leaf = await issueLeaf({
      ca,
      identity: {
        name: 'auth',
        serviceAccount: 'q-auth',
        spiffeId: 'spiffe://t/ns/n/sa/q-auth',
        dnsNames: [],
        secretName: 's',
      },
      now,
      lifetimeMs: day,
    });
    const error = caErrorOf(() => parseCa({ certPem: leaf.chainPem, keyPem: leaf.keyPem, now }));
    expect(error.reason).toBe(CaProblem.NotACa);
  });

  it('is refused when the key belongs to another certificate', async () => {
    const [a, b] = await Promise.all([
      createCa({ commonName: 'a', now }),
      createCa({ commonName: 'b', now }),
    ]);
    expect(caErrorOf(() => parseCa({ certPem: a.cert.toString(), keyPem: b.keyPem, now })).reason).toBe(
      CaProblem.KeyMismatch,
    );
  });

  it('is malformed when an intermediate comes without the root it chains to', async () => {
    const root = await createCa({ commonName: 'root', now, pathLength: 1 });
    const inter = await createCa({ commonName: 'inter', now, parent: root });
    const certPem = joinPem(inter.chain);
    expect(caErrorOf(() => parseCa({ certPem, keyPem: inter.keyPem, now })).message).toMatch(/ca\.crt/);
    expect(
      parseCa({ certPem, keyPem: inter.keyPem, anchorsPem: root.cert.toString(), now }).root.fingerprint,
    ).toBe(root.cert.fingerprint);
  });
});

describe('a CA made by OpenSSL', () => {
  it('is accepted with a SEC1 EC key or an RSA key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quire-ca-'));
    for (const [name, args] of [
      ['ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']],
      ['rsa', ['-newkey', 'rsa:2048']],
    ] as const) {
      const key = join(dir, `${name}.key`);
      const crt = join(dir, `${name}.crt`);
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          ...args,
          '-nodes',
          '-keyout',
          key,
          '-out',
          crt,
          '-days',
          '30',
          '-subj',
          `/CN=openssl ${name} root`,
          '-addext',
          'basicConstraints=critical,CA:TRUE',
          '-addext',
          'keyUsage=critical,keyCertSign,cRLSign',
        ],
        { stdio: 'ignore' },
      );
      let keyPem = readFileSync(key, 'utf8');
      if (name === 'ec')
        keyPem = execFileSync('openssl', ['ec', '-in', key], {
          stdio: ['ignore', 'pipe', 'ignore'],
        }).toString();
      const ca = parseCa({ certPem: readFileSync(crt, 'utf8'), keyPem, now: new Date() });
      expect(ca.cert.subject).toContain(`openssl ${name} root`);
    }
  });
});
