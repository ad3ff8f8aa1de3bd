import { ConfigError, envVariablesFor } from '@quire/kit';
import { describe, expect, it } from 'vitest';
import { defaultAuthSettings, loadConfig } from './config.js';

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
    });
  });
});
