import { describe, expect, it } from 'vitest';
import { defined } from '../../test/defined.js';
import { buildCertificate, certificateStatusOf, goDuration } from './cert-manager.js';
import { platformIdentities } from './identities.js';

const hour = 3600_000;
const auth = defined(
  platformIdentities({ platform: 'quire', namespace: 'prod', trustDomain: 'quire.local' })[0],
  "auth's identity",
);

describe('a cert-manager Certificate', () => {
  const certificate = buildCertificate({
    platform: 'quire',
    namespace: 'prod',
    identity: auth,
    issuerRef: { name: 'platform-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    lifetimeMs: 24 * hour,
    renewBeforeMs: 8 * hour,
  });
  const spec = certificate.spec as Record<string, unknown>;

  it('asks for the same Secret, names, key and usages as the built-in issuer gives', () => {
    expect(certificate.metadata).toEqual({ name: 'quire-auth', namespace: 'prod' });
    expect(spec).toMatchObject({
      secretName: 'quire-auth-tls',
      commonName: 'quire-auth',
      dnsNames: auth.dnsNames,
      uris: ['spiffe://quire.local/ns/prod/sa/quire-auth'],
      duration: '24h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      usages: ['digital signature', 'server auth', 'client auth'],
      issuerRef: { name: 'platform-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    });
    expect(spec.secretTemplate).toMatchObject({
      labels: { 'app.kubernetes.io/managed-by': 'quire-operator', 'platform.quire.dev/platform': 'quire' },
    });
  });

  it('renews a little earlier than renewBefore, by a jitter fixed by the Secret name', () => {
    const renewBefore = spec.renewBefore as string;
    expect(renewBefore).toMatch(/^8h([0-9]+m)?([0-9]+s)?$/);
  });

  it('reports Ready, notAfter and the renewal time from its status', () => {
    const status = certificateStatusOf({
      metadata: {},
      status: {
        notAfter: '2026-03-02T12:00:00Z',
        renewalTime: '2026-03-02T04:00:00Z',
        conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'issued' }],
      },
    });
    expect(status).toMatchObject({ ready: true, notAfter: new Date('2026-03-02T12:00:00Z') });
    expect(certificateStatusOf(undefined).ready).toBe(false);
  });
});

describe('Go durations', () => {
  it('are written in hours, minutes and seconds', () => {
    expect(goDuration(24 * hour)).toBe('24h');
    expect(goDuration(90 * 60_000)).toBe('1h30m');
    expect(goDuration(45_500)).toBe('46s');
    expect(goDuration(0)).toBe('0s');
  });
});
