import { describe, expect, it } from 'vitest';
import { parseSpiffeId, spiffeId, spiffeIdOf, subjectAltNameDnsNames, subjectAltNameUris } from './spiffe.js';

describe('SPIFFE identities', () => {
  it('are written and read as spiffe://<trust domain>/ns/<namespace>/sa/<service account>', () => {
    const id = spiffeId('quire.local', 'prod', 'quire-auth');
    expect(id).toBe('spiffe://quire.local/ns/prod/sa/quire-auth');
    expect(parseSpiffeId(id)).toEqual({
      trustDomain: 'quire.local',
      namespace: 'prod',
      serviceAccount: 'quire-auth',
    });
    expect(parseSpiffeId('spiffe://quire.local/other/path')).toBeUndefined();
  });

  it('are found in the subjectAltName Node prints, quoted values included', () => {
    const san = 'DNS:a.svc, URI:spiffe://td/ns/n/sa/s, URI:"https://x.example/a,b"';
    expect(subjectAltNameUris(san)).toEqual(['spiffe://td/ns/n/sa/s', 'https://x.example/a,b']);
    expect(subjectAltNameDnsNames(san)).toEqual(['a.svc']);
    expect(spiffeIdOf(san)).toBe('spiffe://td/ns/n/sa/s');
  });

  it('name nobody when a certificate carries none or two', () => {
    expect(spiffeIdOf('DNS:a')).toBeUndefined();
    expect(spiffeIdOf(undefined)).toBeUndefined();
    expect(spiffeIdOf('URI:spiffe://a/ns/b/sa/c, URI:spiffe://a/ns/b/sa/d')).toBeUndefined();
  });
});
