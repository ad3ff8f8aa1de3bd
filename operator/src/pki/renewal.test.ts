import { describe, expect, it } from 'vitest';
import { defined } from '../../test/defined.js';
import { createCa } from './ca.js';
import { platformIdentities } from './identities.js';
import { issueLeaf } from './leaf.js';
import { jitterFraction, maxJitterShare, ReissueReason, reissueReason, renewalTime } from './renewal.js';

const now = new Date('2026-03-01T12:00:00Z');
const hour = 3600_000;
const identities = platformIdentities({ platform: 'quire', namespace: 'prod', trustDomain: 'quire.local' });
const auth = defined(identities[0], "auth's identity");

describe('the renewal time', () => {
  it('is two thirds into a 24 h certificate, minus at most 5 % of its life as jitter', () => {
    for (const identity of identities) {
      const at = renewalTime({
        notBefore: now,
        notAfter: new Date(now.getTime() + 24 * hour),
        renewBeforeMs: 8 * hour,
        name: identity.secretName,
      });
      const sinceIssue = at.getTime() - now.getTime();
      expect(sinceIssue).toBeLessThanOrEqual(16 * hour);
      expect(sinceIssue).toBeGreaterThanOrEqual(16 * hour - maxJitterShare * 24 * hour);
    }
  });

  it('is the same for the same Secret name, and spread across names', () => {
    expect(jitterFraction('quire-auth-tls')).toBe(jitterFraction('quire-auth-tls'));
    const fractions = new Set(identities.map((i) => jitterFraction(i.secretName).toFixed(6)));
    expect(fractions.size).toBe(identities.length);
  });

  it('falls back to a third of the life when renewBefore is longer than a cut-short certificate', () => {
    const at = renewalTime({
      notBefore: now,
      notAfter: new Date(now.getTime() + 3 * hour),
      renewBeforeMs: 8 * hour,
      name: 'x',
    });
    expect(at.getTime()).toBeGreaterThan(now.getTime() + hour);
    expect(at.getTime()).toBeLessThanOrEqual(now.getTime() + 2 * hour);
  });
});

describe('deciding to reissue', () => {
  it('gives a reason for each change and none for a certificate that can keep serving', async () => {
    const ca = await createCa({ commonName: 'ca', now });
    const other = await createCa({ commonName: 'other', now });
    const { cert } = await issueLeaf({ ca, identity: auth, now, lifetimeMs: 24 * hour });
    const want = { identity: auth, ca, lifetime: '24h', renewBeforeMs: 8 * hour, now, name: auth.secretName };
    const existing = { cert, lifetime: '24h' };
    expect(reissueReason(undefined, want)).toBe(ReissueReason.Missing);
    expect(reissueReason('malformed', want)).toBe(ReissueReason.Malformed);
    expect(reissueReason(existing, want)).toBeUndefined();
    expect(reissueReason(existing, { ...want, identity: { ...auth, dnsNames: ['x'] } })).toBe(
      ReissueReason.SansChanged,
    );
    expect(
      reissueReason(existing, { ...want, identity: { ...auth, spiffeId: 'spiffe://x/ns/y/sa/z' } }),
    ).toBe(ReissueReason.SansChanged);
    expect(reissueReason(existing, { ...want, ca: other })).toBe(ReissueReason.IssuerChanged);
    expect(reissueReason(existing, { ...want, lifetime: '48h' })).toBe(ReissueReason.LifetimeChanged);
    expect(reissueReason(existing, { ...want, now: new Date(now.getTime() + 16 * hour) })).toBe(
      ReissueReason.Expiring,
    );
  });

  it('reissues for a renewal request that names the certificate until the Secret records that request', async () => {
    const ca = await createCa({ commonName: 'ca', now });
    const { cert } = await issueLeaf({ ca, identity: auth, now, lifetimeMs: 24 * hour });
    const want = { identity: auth, ca, lifetime: '24h', renewBeforeMs: 8 * hour, now, name: auth.secretName };
    expect(reissueReason({ cert, lifetime: '24h' }, { ...want, renewRequest: 'auth@1' })).toBe(
      ReissueReason.Requested,
    );
    const answered = { cert, lifetime: '24h', renewRequest: 'auth@1' };
    expect(reissueReason(answered, { ...want, renewRequest: 'auth@1' })).toBeUndefined();
    expect(reissueReason(answered, { ...want, renewRequest: 'auth,user@2' })).toBe(ReissueReason.Requested);
    expect(reissueReason(answered, want)).toBeUndefined();
  });
});
