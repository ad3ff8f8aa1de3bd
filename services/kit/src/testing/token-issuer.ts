/**
 * A stand-in for the Auth service in other services' tests: signs access tokens with a test key and
 * serves its JWKS over HTTP, so the service under test verifies tokens exactly as in the cluster.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { accessTokenAlgorithm, createJwksVerifier, type TokenVerifier } from '../jwt-auth.js';
import { servicePaths } from '../service-env.js';

export interface TestIssuer {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** Verifies tokens through the JWKS URL, as a service's `createJwksVerifier` does. */
  verifier: TokenVerifier;
  /** An access token for `subject` (a new account id by default) with the given roles. */
  token(options?: { subject?: string; roles?: string[]; ttlSeconds?: number }): Promise<string>;
  close(): Promise<void>;
}

/** Starts a JWKS server on a free loopback port with one ES256 key. */
export async function startTestIssuer(issuer = 'quire-auth', audience = 'quire'): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair(accessTokenAlgorithm, { extractable: true });
  const kid = randomUUID();
  const jwks = JSON.stringify({
    keys: [{ ...(await exportJWK(publicKey)), kid, alg: accessTokenAlgorithm, use: 'sig' }],
  });
  const server = createServer((req, res) => {
    if (req.url === servicePaths.jwks) res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${servicePaths.jwks}`;
  return {
    jwksUrl,
    issuer,
    audience,
    verifier: createJwksVerifier({ jwksUrl, issuer, audience }),
    token: ({ subject = randomUUID(), roles = ['user'], ttlSeconds = 600 } = {}) =>
      new SignJWT({ roles, sid: randomUUID() })
        .setProtectedHeader({ alg: accessTokenAlgorithm, kid })
        .setSubject(subject)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
