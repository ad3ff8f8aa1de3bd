import { ConfigError, envVariablesFor } from '@quire/kit';
import { describe, expect, it } from 'vitest';
import { authEnv, defaultAuthSettings, loadConfig } from './config.js';

describe('the Auth service configuration', () => {
  it('lists every required variable that is missing', () => {
    try {
      loadConfig({ QUIRE_SERVICE_NAME: 'auth', QUIRE_AUTH_ACCESS_TOKEN_TTL_SECONDS: '-5' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const v of envVariablesFor('auth').required.filter((n) => n !== 'QUIRE_SERVICE_NAME')) {
        expect(problems).toContain(`${v}: is required`);
      }
      expect(problems).toContain('QUIRE_AUTH_ACCESS_TOKEN_TTL_SECONDS');
    }
  });

  it('defaults to five-minute access tokens, thirty-day sessions and daily key rotation', () => {
    expect(defaultAuthSettings()).toMatchObject({
      accessTokenTtlSeconds: 300,
      refreshTokenTtlSeconds: 30 * 24 * 3600,
      signingKeyRotationMs: 24 * 3600_000,
      login: { maxFailuresPerAccount: 5, maxAttemptsPerAddress: 30, windowSeconds: 900 },
      trustedProxyIds: [],
      bootstrapAdminEmail: undefined,
    });
  });

  it('reads the trusted proxies as a list of SPIFFE IDs and the first admin’s email in lower case', () => {
    const settings = authEnv.parse({
      QUIRE_TRUSTED_PROXY_IDS:
        ' spiffe://quire.local/ns/prod/sa/quire-gateway , spiffe://quire.local/ns/edge/sa/*',
      QUIRE_AUTH_BOOTSTRAP_ADMIN_EMAIL: ' Ada@Example.COM ',
    });
    expect(settings.trustedProxyIds).toEqual([
      'spiffe://quire.local/ns/prod/sa/quire-gateway',
      'spiffe://quire.local/ns/edge/sa/*',
    ]);
    expect(settings.bootstrapAdminEmail).toBe('ada@example.com');
  });

  it('refuses a trusted proxy that is not a SPIFFE ID and a first admin that is not an email, naming both', () => {
    const result = authEnv.safeParse({
      QUIRE_TRUSTED_PROXY_IDS: '10.0.0.0/8',
      QUIRE_AUTH_BOOTSTRAP_ADMIN_EMAIL: 'admin',
    });
    const problems = result.error?.issues.map((i) => `${String(i.path[0])}: ${i.message}`) ?? [];
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^QUIRE_TRUSTED_PROXY_IDS: must be SPIFFE IDs/),
        'QUIRE_AUTH_BOOTSTRAP_ADMIN_EMAIL: must be an email address',
      ]),
    );
  });
});
