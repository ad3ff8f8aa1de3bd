import { TcpProxy, testSetting } from '@quire/kit/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthHarness, newUser, startAuth } from './harness.js';

let auth: AuthHarness;
let proxy: TcpProxy;
beforeAll(async () => {
  const url = new URL(testSetting('QUIRE_POSTGRES_URL'));
  proxy = await new TcpProxy({ host: url.hostname, port: Number(url.port) }).start();
  url.port = String(proxy.port);
  auth = await startAuth({}, url.toString());
});
afterAll(async () => {
  await proxy.restore().catch(() => undefined);
  await auth?.close();
  await proxy.cut();
});

describe('when PostgreSQL goes away and comes back', () => {
  it('fails /readyz and answers 503 with Retry-After while it is away, and recovers without a restart', async () => {
    const u = newUser();
    const login = () =>
      request(auth.app.api)
        .post('/v1/auth/login')
        .set('x-forwarded-for', u.address)
        .send({ email: u.email, password: u.password });
    await request(auth.app.api)
      .post('/v1/auth/signup')
      .set('x-forwarded-for', u.address)
      .send({ email: u.email, password: u.password })
      .expect(201);

    await proxy.cut();
    const ready = await request(auth.app.ops).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.checks).toMatchObject({ postgres: expect.stringMatching(/^failed/), redis: 'ok' });
    const res = await login();
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');

    await proxy.restore();
    await request(auth.app.ops).get('/readyz').expect(200);
    await login().expect(200);
  });
});
