// Finding who has an email, to share with them (GET /v1/users/lookup), as any signed-in user, against
// the real PostgreSQL and tokens from the real Auth service.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller, UserHarness } from './harness.js';
import { startUser } from './harness.js';

let h: UserHarness;
let ada: Caller;
let bob: Caller;
beforeAll(async () => {
  h = await startUser();
  [ada, bob] = await Promise.all([h.caller(), h.caller()]);
  await request(h.app.api)
    .post('/v1/users')
    .set('authorization', `Bearer ${bob.accessToken}`)
    .send({ displayName: 'Bob Babbage', email: bob.email, locale: 'en-GB' })
    .expect(201);
});
afterAll(() => h?.close());

const lookup = (email: string | undefined, c: Caller | 'anonymous' = ada) => {
  const req = request(h.app.api)
    .get('/v1/users/lookup')
    .query(email === undefined ? {} : { email });
  return c === 'anonymous' ? req : req.set('authorization', `Bearer ${c.accessToken}`);
};

describe('looking a user up by email', () => {
  it('when a user who is not an admin names an address exactly, it answers 200 with the id and display name and nothing else', async () => {
    const res = await lookup(bob.email).expect(200);
    expect(res.body).toEqual({ id: bob.accountId, displayName: 'Bob Babbage' });
  });

  it('when the address differs only in letter case and surrounding spaces, it finds the same user', async () => {
    const res = await lookup(`  ${bob.email.toUpperCase()}\t`).expect(200);
    expect(res.body).toEqual({ id: bob.accountId, displayName: 'Bob Babbage' });
  });

  it('when no profile has the address, it answers 404; a LIKE pattern or another domain matches nobody', async () => {
    const [local, domain] = bob.email.split('@') as [string, string];
    const missing = await lookup(`nobody.${Date.now()}@example.com`).expect(404);
    expect(missing.body).toMatchObject({
      type: 'urn:quire:problem:not-found',
      detail: 'No user has this email',
    });
    await lookup(`_${local.slice(1)}@${domain}`).expect(404);
    await lookup(`${local}@example.org`).expect(404);
    // A user with an account but no profile yet is not found either: the lookup reads profiles.
    await lookup(ada.email).expect(404);
  });

  it('when the address is missing or not an address, or another filter is added, it answers 400 naming the field', async () => {
    const none = await lookup(undefined).expect(400);
    expect(none.body.errors[0]).toMatchObject({ field: 'email', in: 'query' });
    const partial = await lookup('bob').expect(400);
    expect(partial.body.errors[0]).toMatchObject({ field: 'email', in: 'query' });
    const extra = await request(h.app.api)
      .get('/v1/users/lookup')
      .query({ email: bob.email, q: 'Bob' })
      .set('authorization', `Bearer ${ada.accessToken}`)
      .expect(400);
    expect(extra.body.errors[0]).toMatchObject({ field: 'q', rule: 'unknown_field' });
  });

  it('when the caller is not signed in, it answers 401', async () => {
    await lookup(bob.email, 'anonymous').expect(401);
  });
});
