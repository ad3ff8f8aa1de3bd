import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../src/errors.js';
import { createJwksVerifier } from '../../src/jwt-auth.js';
import { createMtlsServer } from '../../src/tls/mtls-server.js';
import { peerIdentityOf } from '../../src/tls/peer-identity.js';
import { spiffeId } from '../../src/tls/spiffe.js';
import { TlsMaterialWatcher } from '../../src/tls/tls-material.js';
import { type TestCa, testCa, testLeaf, writeMounted } from './fixtures/test-pki.js';

const id = (sa: string) => spiffeId('quire.local', 'test', sa);
const [authId, documentId] = [id('quire-auth'), id('quire-document')];

describe('fetching the JWKS from Auth’s mTLS port', () => {
  let ca: TestCa;
  let server: Server;
  let jwksUrl: string;
  let token: string;
  const callers: (string | undefined)[] = [];
  const watchers: TlsMaterialWatcher[] = [];

  /** A folder with a leaf for `spiffe` issued by `issuer`, trusting the platform CA. */
  const mounted = async (spiffe: string, issuer: TestCa = ca) => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-jwks-'));
    writeMounted(dir, await testLeaf(issuer, spiffe), [ca.pem]);
    return dir;
  };
  const watch = async (spiffe: string, issuer?: TestCa) => {
    const w = new TlsMaterialWatcher(await mounted(spiffe, issuer));
    watchers.push(w);
    return w;
  };
  const verifier = (options: Partial<Parameters<typeof createJwksVerifier>[0]> = {}) =>
    createJwksVerifier({ jwksUrl, issuer: 'quire-auth', audience: 'quire', ...options });

  beforeAll(async () => {
    ca = await testCa('platform');
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    token = await new SignJWT({ roles: ['user'], sid: 's1' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('account-1')
      .setIssuer('quire-auth')
      .setAudience('quire')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const serverWatcher = new TlsMaterialWatcher(await mounted(authId));
    watchers.push(serverWatcher);
    server = createMtlsServer(serverWatcher, (req, res) => {
      callers.push(peerIdentityOf(req)?.spiffeId);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, 'localhost', r));
    jwksUrl = `https://localhost:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    for (const w of watchers) w.close();
  });

  it('when the verifier presents a platform certificate, it fetches the keys and accepts the token', async () => {
    callers.length = 0;
    const v = verifier({ tls: await watch(documentId) });
    await expect(v.verify(token)).resolves.toEqual({
      subject: 'account-1',
      roles: ['user'],
      sessionId: 's1',
    });
    expect(callers).toEqual([documentId]);
  });

  it('when it is given the service’s TLS settings, it presents the certificate in that folder', async () => {
    const v = verifier({ tls: { mode: 'mtls', dir: await mounted(documentId) } });
    await expect(v.verify(token)).resolves.toMatchObject({ subject: 'account-1' });
  });

  it('when it expects Auth’s SPIFFE ID, it accepts Auth and refuses a server with another', async () => {
    const tls = await watch(documentId);
    await expect(verifier({ tls, serverId: authId }).verify(token)).resolves.toMatchObject({
      subject: 'account-1',
    });
    const impostor = verifier({ tls, serverId: id('quire-gateway') }).verify(token);
    await expect(impostor).rejects.toBeInstanceOf(UnavailableError);
  });

  it('when the verifier has no certificate, it fails as unavailable, not as a bad token', async () => {
    const err = await verifier()
      .verify(token)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err).toMatchObject({ kind: 'unavailable' });
    const plain = verifier({ tls: { mode: 'plain', dir: '/nonexistent' } }).verify(token);
    await expect(plain).rejects.toBeInstanceOf(UnavailableError);
  });

  it('when its certificate comes from another CA, Auth refuses the connection and it fails as unavailable', async () => {
    callers.length = 0;
    const stranger = await watch(documentId, await testCa('elsewhere'));
    await expect(verifier({ tls: stranger }).verify(token)).rejects.toBeInstanceOf(UnavailableError);
    expect(callers).toEqual([]);
  });

  it('when Auth accepts the connection but never answers, the fetch is abandoned after its timeout as unavailable', async () => {
    const silentWatcher = new TlsMaterialWatcher(await mounted(authId));
    watchers.push(silentWatcher);
    const silent = createMtlsServer(silentWatcher, () => undefined);
    await new Promise<void>((r) => silent.listen(0, 'localhost', r));
    const url = `https://localhost:${(silent.address() as AddressInfo).port}/.well-known/jwks.json`;
    try {
      const started = Date.now();
      const pending = verifier({ jwksUrl: url, tls: await watch(documentId) }).verify(token);
      await expect(pending).rejects.toBeInstanceOf(UnavailableError);
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });
});
