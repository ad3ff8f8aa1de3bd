import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwksVerifier } from './jwt-auth.js';

async function keyPair(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } as JWK };
}

type Key = Awaited<ReturnType<typeof keyPair>>;

const sign = (key: Key, claims: Record<string, unknown> = {}, expires: string | number = '5m') =>
  new SignJWT({ roles: ['user'], sid: 's1', ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setSubject('account-1')
    .setIssuer('quire-auth')
    .setAudience('quire')
    .setIssuedAt()
    .setExpirationTime(expires)
    .sign(key.privateKey);

describe('verifying access tokens against a JWKS', () => {
  let server: Server;
  let published: JWK[] = [];
  let fetches = 0;
  let url = '';
  let first: Key;

  beforeAll(async () => {
    first = await keyPair('k1');
    published = [first.jwk];
    server = createServer((_req, res) => {
      fetches += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('accepts a token signed by a published key and exposes subject, roles and session', async () => {
    const verifier = createJwksVerifier({ jwksUrl: url, issuer: 'quire-auth', audience: 'quire' });
    await expect(verifier.verify(await sign(first))).resolves.toEqual({
      subject: 'account-1',
      roles: ['user'],
      sessionId: 's1',
    });
  });

  it('when given the service’s mTLS settings but an http URL (a gateway, a test), it fetches plainly', async () => {
    const verifier = createJwksVerifier({
      jwksUrl: url,
      issuer: 'quire-auth',
      audience: 'quire',
      tls: { mode: 'mtls', dir: '/nonexistent/tls' },
    });
    await expect(verifier.verify(await sign(first))).resolves.toMatchObject({ subject: 'account-1' });
  });

  it('caches the key set, and fetches it again when a token names a key id it does not know', async () => {
    const verifier = createJwksVerifier({ jwksUrl: url, issuer: 'quire-auth', audience: 'quire' });
    fetches = 0;
    await verifier.verify(await sign(first));
    await verifier.verify(await sign(first));
    expect(fetches).toBe(1);
    const rotated = await keyPair('k2');
    published = [first.jwk, rotated.jwk];
    await new Promise((r) => setTimeout(r, 5_100)); // past the refetch cool-down
    await expect(verifier.verify(await sign(rotated))).resolves.toMatchObject({ subject: 'account-1' });
    expect(fetches).toBe(2);
  }, 15_000);

  it('refuses a token signed by another key, an expired one and one for another audience', async () => {
    const verifier = createJwksVerifier({ jwksUrl: url, issuer: 'quire-auth', audience: 'quire' });
    const impostor = await keyPair('k1');
    await expect(verifier.verify(await sign(impostor))).rejects.toMatchObject({ kind: 'authentication' });
    const expired = await sign(first, {}, Math.floor(Date.now() / 1000) - 60);
    await expect(verifier.verify(expired)).rejects.toMatchObject({ kind: 'authentication' });
    const other = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('a')
      .setIssuer('quire-auth')
      .setAudience('elsewhere')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(first.privateKey);
    await expect(verifier.verify(other)).rejects.toMatchObject({ kind: 'authentication' });
  });

  it('answers unavailable, not unauthenticated, when the JWKS cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const verifier = createJwksVerifier({
      jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      issuer: 'quire-auth',
      audience: 'quire',
    });
    await expect(verifier.verify(await sign(first))).rejects.toMatchObject({ kind: 'unavailable' });
  });
});
