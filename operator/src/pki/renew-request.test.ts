import { describe, expect, it } from 'vitest';
import { identityNames } from './identities.js';
import { parseRenewRequest, renewRequestFor, renewRequestValue } from './renew-request.js';

describe('a renewal request', () => {
  it('names one or more certificates, then a value that makes it new', () => {
    expect(parseRenewRequest('auth, gateway,auth@2026-03-01T12:00:00Z', identityNames)).toEqual({
      value: 'auth, gateway,auth@2026-03-01T12:00:00Z',
      names: ['auth', 'gateway'],
    });
  });

  it('is written by renewRequestValue in the form it is read', () => {
    const value = renewRequestValue(['search', 'search', 'gateway'], new Date('2026-03-01T12:00:00Z'));
    expect(value).toBe('search,gateway@2026-03-01T12:00:00.000Z');
    expect(parseRenewRequest(value, identityNames)).toEqual({ value, names: ['search', 'gateway'] });
  });

  it('is refused whole, naming what is wrong, when it names no certificate, no value, or an unknown one', () => {
    const problem = (value: string) => {
      const parsed = parseRenewRequest(value, identityNames);
      return 'problem' in parsed ? parsed.problem : 'accepted';
    };
    expect(problem('auth')).toMatch(/^"auth" is not a renewal request: write <name>\[,<name>...\]@/);
    expect(problem('@1')).toMatch(/is not a renewal request/);
    expect(problem(' , @1')).toMatch(/is not a renewal request/);
    expect(problem('auth@ ')).toMatch(/is not a renewal request/);
    expect(problem('auth,Auth,web@1')).toBe(
      'Auth, web are not certificates of this Platform: name one or more of auth, user, document, notification, search, export, audit, gateway',
    );
    expect(problem('ca@1')).toContain('the CA is replaced by a rotation instead');
  });

  it('applies to a certificate only when it names it', () => {
    const request = { value: 'auth@1', names: ['auth'] };
    expect(renewRequestFor(request, 'auth')).toBe('auth@1');
    expect(renewRequestFor(request, 'user')).toBeUndefined();
    expect(renewRequestFor(undefined, 'auth')).toBeUndefined();
  });
});
