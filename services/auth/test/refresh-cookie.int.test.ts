import { parseSetCookie, type SetCookie } from 'cookie';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthHarness, newUser, startAuth } from './harness.js';

let auth: AuthHarness;
beforeAll(async () => {
  auth = await startAuth({ refreshTokenTtlSeconds: 7200 });
});
afterAll(() => auth?.close());

const cookieName = '__Secure-quire-refresh';
const delivery = 'Quire-Refresh-Token-Delivery';
const api = () => request(auth.app.api);

/** The refresh cookie an answer sets, parsed; undefined when it sets none. */
function refreshCookieOf(res: request.Response): SetCookie | undefined {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  return (header ?? []).map((h) => parseSetCookie(h)).find((c) => c.name === cookieName);
}
const cookie = (token: string) => `${cookieName}=${token}`;

/** Logs a new browser user in with cookie delivery; answers the access token and the cookie's token. */
async function browserLogin() {
  const u = newUser();
  await api()
    .post('/v1/auth/signup')
    .set('x-forwarded-for', u.address)
    .send({ email: u.email, password: u.password })
    .expect(201);
  const res = await api()
    .post('/v1/auth/login')
    .set('x-forwarded-for', u.address)
    .set(delivery, 'cookie')
    .send({ email: u.email, password: u.password })
    .expect(200);
  return { body: res.body, refresh: refreshCookieOf(res)?.value ?? '' };
}

const browserRefresh = (token?: string) => {
  const req = api().post('/v1/auth/refresh').set(delivery, 'cookie');
  return token === undefined ? req : req.set('Cookie', cookie(token));
};

describe('a browser asking for the refresh cookie', () => {
  it('when it logs in, the refresh token is only in an httpOnly, Secure, SameSite=Strict cookie on /v1/auth that lives as long as the session', async () => {
    const u = newUser();
    const signup = await api()
      .post('/v1/auth/signup')
      .set('x-forwarded-for', u.address)
      .set(delivery, 'cookie')
      .send({ email: u.email, password: u.password });
    expect(signup.status).toBe(201);
    expect(signup.body.refreshToken).toBeUndefined();
    expect(signup.body).toMatchObject({ tokenType: 'Bearer', accountId: expect.any(String) });
    expect(signup.headers['cache-control']).toBe('no-store');
    expect(refreshCookieOf(signup)).toMatchObject({
      value: expect.stringMatching(new RegExp(`^${signup.body.accountId}\\.`)),
      httpOnly: true,
      secure: true,
      sameSite: 'strict',
      path: '/v1/auth',
      maxAge: 7200,
    });
    const login = await api()
      .post('/v1/auth/login')
      .set('x-forwarded-for', u.address)
      .set(delivery, 'cookie')
      .send({ email: u.email, password: u.password });
    expect(login.status).toBe(200);
    expect(login.body.refreshToken).toBeUndefined();
    expect(refreshCookieOf(login)?.value).not.toBe(refreshCookieOf(signup)?.value);
  });

  it('when it refreshes with only the cookie, it gets a new access token and the cookie rotates', async () => {
    const { refresh } = await browserLogin();
    const res = await browserRefresh(refresh);
    expect(res.status).toBe(200);
    expect(res.body.accessToken).toEqual(expect.any(String));
    expect(res.body.refreshToken).toBeUndefined();
    const next = refreshCookieOf(res);
    expect(next).toMatchObject({ httpOnly: true, secure: true, sameSite: 'strict', maxAge: 7200 });
    expect(next?.value).not.toBe(refresh);
    await browserRefresh(next?.value).expect(200);
  });

  it('when a used cookie comes back, it answers 401, clears the cookie and ends the session, so the newest cookie fails too', async () => {
    const { body, refresh } = await browserLogin();
    const second = refreshCookieOf(await browserRefresh(refresh).expect(200))?.value;
    const reuse = await browserRefresh(refresh);
    expect(reuse.status).toBe(401);
    expect(refreshCookieOf(reuse)).toMatchObject({ value: '', maxAge: 0, path: '/v1/auth' });
    await browserRefresh(second).expect(401);
    expect(await auth.events()).toContainEqual(
      expect.objectContaining({ type: 'auth.refresh_token_reused', subject: body.accountId }),
    );
  });

  it('when the cookie comes without the header, Auth does not read it (a forged cross-site request cannot refresh) and the token stays unused', async () => {
    const { refresh } = await browserLogin();
    const forged = await api()
      .post('/v1/auth/refresh')
      .set('Cookie', cookie(refresh))
      .type('form')
      .send('x=1');
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0]).toMatchObject({ field: 'refreshToken' });
    expect(refreshCookieOf(forged)).toBeUndefined();
    await browserRefresh(refresh).expect(200);
  });

  it('when the header asks for the cookie but none is sent, it answers 401', async () => {
    const res = await browserRefresh();
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('The refresh token is invalid or expired');
  });

  it('when the header names another delivery, it answers 400 naming body and cookie', async () => {
    const res = await api().post('/v1/auth/refresh').set(delivery, 'localStorage').send({});
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        field: 'Quire-Refresh-Token-Delivery',
        message: 'must be body or cookie',
        in: 'header',
      }),
    ]);
  });

  it('when a body token and the cookie both come, the body token is used and the next one is set in the cookie', async () => {
    const { refresh } = await browserLogin();
    const other = await browserLogin();
    const res = await browserRefresh(refresh).send({ refreshToken: other.refresh }).expect(200);
    expect(res.body.accountId).toBe(other.body.accountId);
    expect(refreshCookieOf(res)?.value).toMatch(new RegExp(`^${other.body.accountId}\\.`));
    await browserRefresh(refresh).expect(200);
  });
});

describe('a browser logging out', () => {
  it('when it sends its access token and the header, the session ends and the cookie is cleared', async () => {
    const { body, refresh } = await browserLogin();
    const res = await api()
      .post('/v1/auth/logout')
      .set('authorization', `Bearer ${body.accessToken}`)
      .set(delivery, 'cookie')
      .set('Cookie', cookie(refresh));
    expect(res.status).toBe(204);
    expect(refreshCookieOf(res)).toMatchObject({ value: '', maxAge: 0, path: '/v1/auth', httpOnly: true });
    await browserRefresh(refresh).expect(401);
  });

  it('when it has only the cookie (its access token expired), the cookie’s session ends and the logout is recorded', async () => {
    const { body, refresh } = await browserLogin();
    const res = await api().post('/v1/auth/logout').set(delivery, 'cookie').set('Cookie', cookie(refresh));
    expect(res.status).toBe(204);
    expect(refreshCookieOf(res)).toMatchObject({ value: '', maxAge: 0 });
    await browserRefresh(refresh).expect(401);
    await api().get('/v1/auth/session').set('authorization', `Bearer ${body.accessToken}`).expect(401);
    expect(await auth.events()).toContainEqual(
      expect.objectContaining({
        type: 'auth.logged_out',
        subject: body.accountId,
        data: expect.objectContaining({ all: false }),
      }),
    );
  });

  it('when the cookie comes without the header, it is not read: the logout needs a bearer token', async () => {
    const { refresh } = await browserLogin();
    await api().post('/v1/auth/logout').set('Cookie', cookie(refresh)).expect(401);
    await browserRefresh(refresh).expect(200);
  });

  it('when it has neither an access token nor a cookie, it answers 401', async () => {
    await api().post('/v1/auth/logout').set(delivery, 'cookie').expect(401);
  });
});

describe('the CLI, which keeps the refresh token in the body', () => {
  it('when it logs in and refreshes without the header, the token is in the body and no cookie is set', async () => {
    const u = newUser();
    const signup = await api()
      .post('/v1/auth/signup')
      .set('x-forwarded-for', u.address)
      .send({ email: u.email, password: u.password })
      .expect(201);
    expect(signup.body.refreshToken).toEqual(expect.any(String));
    expect(signup.headers['set-cookie']).toBeUndefined();
    const res = await api().post('/v1/auth/refresh').send({ refreshToken: signup.body.refreshToken });
    expect(res.status).toBe(200);
    expect(res.body.refreshToken).toEqual(expect.any(String));
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('documents the header and the optional body token in the OpenAPI document', async () => {
    const doc = (await api().get('/openapi.json').expect(200)).body;
    for (const path of ['/v1/auth/signup', '/v1/auth/login', '/v1/auth/refresh', '/v1/auth/logout']) {
      expect(doc.paths[path].post.parameters).toContainEqual(
        expect.objectContaining({ in: 'header', name: 'quire-refresh-token-delivery', required: false }),
      );
    }
    expect(doc.components.schemas.TokenResponse.required).not.toContain('refreshToken');
    expect(doc.components.schemas.RefreshRequest.required ?? []).not.toContain('refreshToken');
  });
});
