import { testLogger } from '@quire/kit/testing';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SigningKeyRing } from '../src/signing-keys.js';
import { type AuthHarness, newUser, startAuth } from './harness.js';

let auth: AuthHarness;
beforeAll(async () => {
  auth = await startAuth({
    login: { maxFailuresPerAccount: 3, maxAttemptsPerAddress: 8, windowSeconds: 60 },
  });
});
afterAll(() => auth?.close());

const api = () => request(auth.app.api);
const signUp = (u: ReturnType<typeof newUser>) =>
  api()
    .post('/v1/auth/signup')
    .set('x-forwarded-for', u.address)
    .send({ email: u.email, password: u.password });
const logIn = (u: ReturnType<typeof newUser>, password = u.password) =>
  api().post('/v1/auth/login').set('x-forwarded-for', u.address).send({ email: u.email, password });
const accounts = async () =>
  (await auth.pool.query('SELECT count(*)::int AS n FROM accounts')).rows[0].n as number;

describe('signing up', () => {
  it('when a new email signs up with a good password, it answers 201 with tokens and records the event', async () => {
    const u = newUser();
    const res = await signUp(u);
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 300 });
    const { payload } = await jwtVerify(res.body.accessToken, createLocalJWKSet(auth.keys.jwks()), {
      issuer: 'quire-auth',
      audience: 'quire',
    });
    expect(payload).toMatchObject({ sub: res.body.accountId, roles: ['user'] });
    expect(decodeProtectedHeader(res.body.accessToken)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const { rows } = await auth.pool.query('SELECT email, password_hash FROM accounts WHERE id = $1', [
      res.body.accountId,
    ]);
    expect(rows[0].email).toBe(u.email);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await auth.events()).toContainEqual(
      expect.objectContaining({ type: 'auth.signed_up', subject: res.body.accountId }),
    );
  });

  it('when the email is taken (in any letter case), it answers 409 and creates nothing', async () => {
    const u = newUser();
    await signUp(u).expect(201);
    const before = await accounts();
    const res = await signUp({ ...u, email: u.email.toUpperCase() });
    expect(res.status).toBe(409);
    expect(await accounts()).toBe(before);
  });

  it('when the email is malformed, the password short and a field unknown, it answers 400 naming each and writes nothing', async () => {
    const before = await accounts();
    const eventsBefore = (await auth.events()).length;
    const res = await api()
      .post('/v1/auth/signup')
      .send({ email: 'not-an-email', password: 'short', role: 'admin' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'email', rule: 'format:email' }),
        expect.objectContaining({ field: 'password', rule: 'too_small' }),
        expect.objectContaining({ field: 'role', rule: 'unknown_field' }),
      ]),
    );
    expect(await accounts()).toBe(before);
    expect((await auth.events()).length).toBe(eventsBefore);
  });

  it('when the body is oversize, it answers 413 and writes nothing', async () => {
    const before = await accounts();
    const res = await api()
      .post('/v1/auth/signup')
      .send({ email: newUser().email, password: 'x'.repeat(20_000) });
    expect(res.status).toBe(413);
    expect(await accounts()).toBe(before);
  });
});

describe('logging in', () => {
  it('when the email and password are right, it answers 200 with a new session and records the login', async () => {
    const u = newUser();
    const { body: first } = await signUp(u).expect(201);
    const res = await logIn({ ...u, email: u.email.toUpperCase() });
    expect(res.status).toBe(200);
    expect(res.body.accountId).toBe(first.accountId);
    expect(res.body.refreshToken).not.toBe(first.refreshToken);
    expect(await auth.events()).toContainEqual(
      expect.objectContaining({ type: 'auth.logged_in', subject: first.accountId }),
    );
  });

  it('when the password is wrong or the email unknown, it answers the same 401 without saying which', async () => {
    const u = newUser();
    const { body: account } = await signUp(u).expect(201);
    const wrongPassword = await logIn(u, 'wrong password entirely');
    const unknownEmail = await logIn({ ...newUser(), address: u.address });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
    expect(strip(wrongPassword.body)).toEqual(strip(unknownEmail.body));
    const failures = (await auth.events()).filter((e) => e.type === 'auth.login_failed');
    expect(failures).toContainEqual(
      expect.objectContaining({
        subject: account.accountId,
        data: expect.objectContaining({ reason: 'wrong-password' }),
      }),
    );
  });

  it('when an account has failed too often, it answers 429 with Retry-After even to the right password', async () => {
    const u = newUser();
    await signUp(u).expect(201);
    for (let i = 0; i < 3; i++)
      await logIn({ ...u, address: newUser().address }, 'wrong password entirely').expect(401);
    const res = await logIn({ ...u, address: newUser().address });
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('when one client address makes too many attempts, it answers 429', async () => {
    const u = newUser();
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await logIn({ ...newUser(), address: u.address })).status);
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(401));
    expect(statuses[8]).toBe(429);
  });

  it('when the request lacks the password or has extra fields, it answers 400', async () => {
    const res = await api().post('/v1/auth/login').send({ email: newUser().email, remember: true });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'password', rule: 'invalid_type' }),
        expect.objectContaining({ field: 'remember', rule: 'unknown_field' }),
      ]),
    );
  });
});

describe('refreshing tokens', () => {
  it('when a refresh token is used, it answers new tokens and the next refresh token works', async () => {
    const { body: first } = await signUp(newUser()).expect(201);
    const second = await api().post('/v1/auth/refresh').send({ refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    const third = await api().post('/v1/auth/refresh').send({ refreshToken: second.body.refreshToken });
    expect(third.status).toBe(200);
  });

  it('when a used refresh token is presented again, it answers 401 and ends the session, so the newest token fails too', async () => {
    const { body: first } = await signUp(newUser()).expect(201);
    const { body: second } = await api()
      .post('/v1/auth/refresh')
      .send({ refreshToken: first.refreshToken })
      .expect(200);
    const reuse = await api().post('/v1/auth/refresh').send({ refreshToken: first.refreshToken });
    expect(reuse.status).toBe(401);
    await api().post('/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
    await api().get('/v1/auth/session').set('authorization', `Bearer ${second.accessToken}`).expect(401);
    expect(await auth.events()).toContainEqual(
      expect.objectContaining({ type: 'auth.refresh_token_reused', subject: first.accountId }),
    );
  });

  it('when the refresh token is forged or missing, it answers 401 or 400', async () => {
    await api().post('/v1/auth/refresh').send({ refreshToken: 'nonsense' }).expect(401);
    const res = await api().post('/v1/auth/refresh').send({});
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'refreshToken' });
  });
});

describe('sessions', () => {
  it('when a session is active, it is described to its own access token', async () => {
    const { body } = await signUp(newUser()).expect(201);
    const res = await api().get('/v1/auth/session').set('authorization', `Bearer ${body.accessToken}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accountId: body.accountId, roles: ['user'] });
  });

  it('when there is no or a malformed bearer token, it answers 401', async () => {
    await api().get('/v1/auth/session').expect(401);
    await api().get('/v1/auth/session').set('authorization', 'Bearer abc').expect(401);
  });

  it('when a user logs out, the session ends: its access token is refused here and its refresh token fails', async () => {
    const { body } = await signUp(newUser()).expect(201);
    await api().post('/v1/auth/logout').set('authorization', `Bearer ${body.accessToken}`).expect(204);
    await api().get('/v1/auth/session').set('authorization', `Bearer ${body.accessToken}`).expect(401);
    await api().post('/v1/auth/refresh').send({ refreshToken: body.refreshToken }).expect(401);
    expect(await auth.events()).toContainEqual(
      expect.objectContaining({ type: 'auth.logged_out', subject: body.accountId }),
    );
  });

  it('when a user revokes all sessions, every device is logged out', async () => {
    const u = newUser();
    const { body: phone } = await signUp(u).expect(201);
    const { body: laptop } = await logIn(u).expect(200);
    await api()
      .post('/v1/auth/sessions/revoke-all')
      .set('authorization', `Bearer ${laptop.accessToken}`)
      .expect(204);
    await api().post('/v1/auth/refresh').send({ refreshToken: phone.refreshToken }).expect(401);
    await api().post('/v1/auth/refresh').send({ refreshToken: laptop.refreshToken }).expect(401);
  });
});

describe('the signing keys', () => {
  it('publishes the JWKS, and after a rotation keeps the old key until its tokens expire', async () => {
    const { body } = await signUp(newUser()).expect(201);
    const before = await api().get('/.well-known/jwks.json').expect(200);
    expect(before.headers['cache-control']).toContain('max-age=300');
    expect(before.body.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(before.body.keys[0].d).toBeUndefined();
    await auth.keys.rotate();
    const after = await api().get('/.well-known/jwks.json').expect(200);
    expect(after.body.keys).toHaveLength(before.body.keys.length + 1);
    const { body: fresh } = await api()
      .post('/v1/auth/refresh')
      .send({ refreshToken: body.refreshToken })
      .expect(200);
    expect(decodeProtectedHeader(fresh.accessToken).kid).toBe(after.body.keys[0].kid);
    await api().get('/v1/auth/session').set('authorization', `Bearer ${body.accessToken}`).expect(200);
  });

  it('publishes a new key before signing with it, so every verifier can know it first', async () => {
    const ring = new SigningKeyRing(auth.pool, {
      rotationMs: 24 * 3600_000,
      accessTokenTtlSeconds: 300,
      logger: testLogger(),
      activationDelayMs: 60_000,
    });
    await ring.start();
    ring.stop();
    const signing = ring.signingKey().kid;
    await ring.rotate();
    expect(ring.jwks().keys.map((k) => k.kid)).toContain(signing);
    expect(ring.jwks().keys[0]?.kid).not.toBe(signing);
    expect(ring.signingKey().kid).toBe(signing);
    await auth.keys.refresh();
  });
});

describe('operations', () => {
  it('serves /metrics, /readyz and /openapi.json', async () => {
    await api().get('/.well-known/jwks.json').expect(200);
    const metrics = await request(auth.app.ops).get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      /http_server_requests_total\{method="GET",route="\/\.well-known\/jwks\.json",status="200",service="auth"\}/,
    );
    const ready = await request(auth.app.ops).get('/readyz').expect(200);
    expect(ready.body).toEqual({ ready: true, checks: { postgres: 'ok', redis: 'ok' } });
    const doc = await api().get('/openapi.json').expect(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/auth/signup',
        '/v1/auth/login',
        '/v1/auth/refresh',
        '/.well-known/jwks.json',
      ]),
    );
  });
});
