/** Access tokens: short-lived ES256 JWTs (RFC 9068 `at+jwt`) carrying the account, roles and session. */
import { randomUUID } from 'node:crypto';
import { accessTokenAlgorithm } from '@quire/kit';
import { SignJWT } from 'jose';
import type { SigningKeyRing } from './signing-keys.js';

export interface TokenSettings {
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
}

/** The answer to a sign-up, login or refresh. */
export interface TokenPair {
  accountId: string;
  tokenType: 'Bearer';
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
}

export class TokenIssuer {
  constructor(
    private readonly keys: SigningKeyRing,
    private readonly settings: TokenSettings,
  ) {}

  /** Signs an access token with the current key. */
  async accessToken(accountId: string, roles: readonly string[], sessionId: string): Promise<string> {
    const { kid, key } = this.keys.signingKey();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ roles: [...roles], sid: sessionId })
      .setProtectedHeader({ alg: accessTokenAlgorithm, kid, typ: 'at+jwt' })
      .setSubject(accountId)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + this.settings.accessTokenTtlSeconds)
      .setJti(randomUUID())
      .sign(key);
  }

  /** A token pair for a session. */
  async pair(
    accountId: string,
    roles: readonly string[],
    sessionId: string,
    refreshToken: string,
  ): Promise<TokenPair> {
    return {
      accountId,
      tokenType: 'Bearer',
      accessToken: await this.accessToken(accountId, roles, sessionId),
      expiresIn: this.settings.accessTokenTtlSeconds,
      refreshToken,
    };
  }
}
