// The per-caller limit on finding who has an email (GET /v1/users/lookup), counted in the stack's real
// Redis with tokens from the real Auth service: a small limit and a short window keep it fast.

import { connectRedis, createJwksVerifier, type RedisClient } from '@quire/kit';
import { TcpProxy, testLogger, testSetting } from '@quire/kit/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import type { Caller, UserHarness } from './harness.js';
import { startUser } from './harness.js';

const max = 3;
const windowSeconds = 2;

let h: UserHarness;
let bob: Caller;
beforeAll(async () => {
  h = await startUser({ lookup: { max, windowSeconds } });
  bob = await h.caller();
  await request(h.app.api)
    .post('/v1/users')
    .set('authorization', `Bearer ${bob.accessToken}`)
    .send({ displayName: 'Bob Babbage', email: bob.email })
    .expect(201);
});
afterAll(() => h?.close());

const lookup = (c: Caller, email: string, app = h.app) =>
  request(app.api).get('/v1/users/lookup').query({ email }).set('authorization', `Bearer ${c.accessToken}`);
const unknownEmail = () => `nobody.${Date.now()}.${Math.random().toString(36).slice(2)}@example.com`;

describe('the per-caller limit on email lookups', () => {
  it(`when a caller has made ${max} lookups in the window, the next answers 429 with Retry-After and another caller is unaffected`, async () => {
    const [ada, cy] = await Promise.all([h.caller(), h.caller()]);
    const statuses = [];
    for (let i = 0; i < max; i++) statuses.push((await lookup(ada, bob.email)).status);
    expect(statuses).toEqual(Array(max).fill(200));

    const refused = await lookup(ada, bob.email);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
    expect(refused.body).toMatchObject({
      type: 'urn:quire:problem:rate-limited',
      status: 429,
      detail: 'Too many email lookups; try again later',
    });
    // The refusal says nothing about the address it was asked about.
    expect(JSON.stringify(refused.body)).not.toContain(bob.accountId);

    const other = await lookup(cy, bob.email).expect(200);
    expect(other.body).toEqual({ id: bob.accountId, displayName: 'Bob Babbage' });
  });

  it('when a caller looks up addresses nobody has, each counts as a found one does, and the refusal is the same', async () => {
    const [guesser, sharer] = await Promise.all([h.caller(), h.caller()]);
    for (let i = 0; i < max; i++) await lookup(guesser, unknownEmail()).expect(404);
    for (let i = 0; i < max; i++) await lookup(sharer, bob.email).expect(200);

    const [afterUnknown, afterKnown] = await Promise.all([
      lookup(guesser, bob.email),
      lookup(sharer, unknownEmail()),
    ]);
    expect([afterUnknown.status, afterKnown.status]).toEqual([429, 429]);
    // Alike but for the request id, which every answer has its own of.
    const { requestId: _a, ...unknownBody } = afterUnknown.body;
    const { requestId: _b, ...knownBody } = afterKnown.body;
    expect(unknownBody).toEqual(knownBody);
  });

  it('when the window has passed, the caller may look up again', async () => {
    const ada = await h.caller();
    for (let i = 0; i < max; i++) await lookup(ada, bob.email).expect(200);
    const refused = await lookup(ada, bob.email).expect(429);
    await new Promise((r) => setTimeout(r, Number(refused.headers['retry-after']) * 1000 + 100));
    await lookup(ada, bob.email).expect(200);
  });

  it('when the request is not signed in or not valid, it answers 401 or 400 and uses none of the limit', async () => {
    const ada = await h.caller();
    await request(h.app.api).get('/v1/users/lookup').query({ email: bob.email }).expect(401);
    for (let i = 0; i < max + 1; i++) await lookup(ada, 'not an address').expect(400);
    for (let i = 0; i < max; i++) await lookup(ada, bob.email).expect(200);
  });
});

describe('when Redis goes away and comes back', () => {
  let proxy: TcpProxy;
  let redis: RedisClient;
  beforeAll(async () => {
    const url = new URL(testSetting('QUIRE_REDIS_URL'));
    proxy = await new TcpProxy({ host: url.hostname, port: Number(url.port) }).start();
    url.port = String(proxy.port);
    redis = await connectRedis(url.toString());
  });
  afterAll(async () => {
    redis?.disconnect();
    await proxy?.cut();
  });

  it('answers lookups 503 with Retry-After rather than unlimited, stays ready for the other routes, and recovers without a restart', async () => {
    const app = createApp({
      pool: h.pool,
      redis,
      settings: h.settings,
      verifier: createJwksVerifier({ jwksUrl: h.jwksUrl, issuer: 'quire-auth', audience: 'quire' }),
      logger: testLogger('user'),
      environment: 'test',
    });
    const ada = await h.caller();
    await lookup(ada, bob.email, app).expect(200);

    await proxy.cut();
    const res = await lookup(ada, bob.email, app);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    const ready = await request(app.ops).get('/readyz');
    expect([ready.status, ready.body.checks]).toEqual([200, { postgres: 'ok' }]);
    await request(app.api)
      .get(`/v1/users/${bob.accountId}`)
      .set('authorization', `Bearer ${bob.accessToken}`)
      .expect(200);

    await proxy.restore();
    await expect
      .poll(async () => (await lookup(ada, bob.email, app)).status, { timeout: 15_000, interval: 200 })
      .toBe(200);
  });
});
