import { generateKeyPair, SignJWT } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUser, type UserHarness } from './harness.js';

let h: UserHarness;
beforeAll(async () => {
  h = await startUser();
});
afterAll(() => h?.close());

const claims = (sub: string) =>
  new SignJWT({ roles: ['admin'], sid: 'x' })
    .setSubject(sub)
    .setIssuer('quire-auth')
    .setAudience('quire')
    .setIssuedAt();

describe('User trusts tokens only from Auth, through its JWKS', () => {
  it('when a token issued by Auth is presented, User accepts it', async () => {
    const c = await h.caller();
    await request(h.app.api)
      .get(`/v1/users/${c.accountId}`)
      .set('authorization', `Bearer ${c.accessToken}`)
      .expect(404); // authenticated and allowed; the profile just does not exist yet
  });

  it('when a token is signed by another key, even under a published key id, it answers 401', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const { kid } = h.auth.keys.signingKey();
    for (const header of [
      { alg: 'ES256', kid },
      { alg: 'ES256', kid: 'not-published' },
    ]) {
      const forged = await claims('00000000-0000-4000-8000-000000000001')
        .setProtectedHeader(header)
        .setExpirationTime('5m')
        .sign(privateKey);
      const res = await request(h.app.api).get('/v1/users').set('authorization', `Bearer ${forged}`);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
  });

  it("when a token signed by Auth's own key has expired, it answers 401", async () => {
    const { kid, key } = h.auth.keys.signingKey();
    const expired = await claims('00000000-0000-4000-8000-000000000002')
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuedAt(Math.floor(Date.now() / 1000) - 600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 300)
      .sign(key);
    await request(h.app.api).get('/v1/users').set('authorization', `Bearer ${expired}`).expect(401);
  });

  it('when there is no token, it answers 401', async () => {
    await request(h.app.api).get('/v1/users').expect(401);
  });

  it('when Auth rotates its key, User accepts tokens signed by the new key', async () => {
    await h.auth.keys.rotate();
    const c = await h.caller();
    await new Promise((r) => setTimeout(r, 5_100)); // past the verifier's refetch cool-down
    await request(h.app.api)
      .get(`/v1/users/${c.accountId}`)
      .set('authorization', `Bearer ${c.accessToken}`)
      .expect(404);
  }, 20_000);
});
