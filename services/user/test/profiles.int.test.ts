import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Caller, UserHarness } from './harness.js';
import { startUser } from './harness.js';

let h: UserHarness;
let ada: Caller;
let admin: Caller;
beforeAll(async () => {
  h = await startUser();
  [ada, admin] = await Promise.all([h.caller(), h.caller(['user', 'admin'])]);
});
afterAll(() => h?.close());

const as = (c: Caller) => {
  const auth = (t: request.Test) => t.set('authorization', `Bearer ${c.accessToken}`);
  return {
    post: (path: string) => auth(request(h.app.api).post(path)),
    get: (path: string) => auth(request(h.app.api).get(path)),
    patch: (path: string) => auth(request(h.app.api).patch(path)),
    delete: (path: string) => auth(request(h.app.api).delete(path)),
  };
};
const count = async () => (await h.pool.query('SELECT count(*)::int AS n FROM profiles')).rows[0].n as number;
const outboxSize = async () => (await h.events()).length;
const profileOf = (c: Caller, extra: Record<string, unknown> = {}) => ({
  displayName: 'Ada Lovelace',
  email: c.email,
  locale: 'en-GB',
  ...extra,
});

describe('creating a profile', () => {
  it('when a user creates their own profile, it answers 201 with an ETag and records user.created', async () => {
    const res = await as(ada)
      .post('/v1/users')
      .send(profileOf(ada, { avatarUrl: 'https://img.example.com/a.png' }));
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers.location).toBe(`/v1/users/${ada.accountId}`);
    expect(res.body).toMatchObject({ id: ada.accountId, displayName: 'Ada Lovelace', locale: 'en-GB' });
    expect(await h.events()).toContainEqual(
      expect.objectContaining({
        type: 'user.created',
        subject: ada.accountId,
        data: expect.objectContaining({ actor: ada.accountId }),
      }),
    );
  });

  it('when the profile exists already, it answers 409', async () => {
    const c = await h.caller();
    await as(c).post('/v1/users').send(profileOf(c)).expect(201);
    await as(c).post('/v1/users').send(profileOf(c)).expect(409);
  });

  it("when a user creates someone else's profile, it answers 403 and writes nothing; an admin may", async () => {
    const other = await h.caller();
    const before = await count();
    await as(ada)
      .post('/v1/users')
      .send(profileOf(other, { id: other.accountId }))
      .expect(403);
    expect(await count()).toBe(before);
    await as(admin)
      .post('/v1/users')
      .send(profileOf(other, { id: other.accountId }))
      .expect(201);
  });

  it('when fields break rules or are unknown, it answers 400 naming each, and writes nothing', async () => {
    const c = await h.caller();
    const [before, events] = [await count(), await outboxSize()];
    const res = await as(c).post('/v1/users').send({
      displayName: '',
      email: 'nope',
      locale: 'english',
      avatarUrl: 'http://insecure.example.com/a.png',
      admin: true,
    });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'displayName', rule: 'too_small' }),
        expect.objectContaining({ field: 'email', rule: 'format:email' }),
        expect.objectContaining({ field: 'locale', rule: 'format:regex' }),
        expect.objectContaining({ field: 'avatarUrl', rule: 'format:url' }),
        expect.objectContaining({ field: 'admin', rule: 'unknown_field' }),
      ]),
    );
    expect([await count(), await outboxSize()]).toEqual([before, events]);
  });

  it('when the body is oversize, it answers 413 and writes nothing', async () => {
    const c = await h.caller();
    const before = await count();
    await as(c)
      .post('/v1/users')
      .send(profileOf(c, { displayName: 'x'.repeat(20_000) }))
      .expect(413);
    expect(await count()).toBe(before);
  });
});

describe('reading a profile', () => {
  it('when the owner or an admin reads it, it answers 200 with its ETag; others get 403', async () => {
    const c = await h.caller();
    await as(c).post('/v1/users').send(profileOf(c)).expect(201);
    const own = await as(c).get(`/v1/users/${c.accountId}`).expect(200);
    expect(own.headers.etag).toBe('"1"');
    await as(admin).get(`/v1/users/${c.accountId}`).expect(200);
    await as(ada).get(`/v1/users/${c.accountId}`).expect(403);
  });

  it('when it does not exist, it answers 404; when the id is malformed, 400', async () => {
    await as(admin).get('/v1/users/00000000-0000-4000-8000-000000000000').expect(404);
    const bad = await as(admin).get('/v1/users/not-a-uuid').expect(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'id', in: 'params' });
  });
});

describe('updating a profile', () => {
  it('when If-Match names the current version, it applies the change, bumps the ETag and records user.updated', async () => {
    const c = await h.caller();
    await as(c).post('/v1/users').send(profileOf(c)).expect(201);
    const res = await as(c)
      .patch(`/v1/users/${c.accountId}`)
      .set('if-match', '"1"')
      .send({ displayName: 'Countess' });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    expect(res.body.displayName).toBe('Countess');
    expect(await h.events()).toContainEqual(
      expect.objectContaining({
        type: 'user.updated',
        subject: c.accountId,
        data: expect.objectContaining({ changed: ['displayName'] }),
      }),
    );
  });

  it('when If-Match is stale, it answers 412 and changes nothing; when missing, 428', async () => {
    const c = await h.caller();
    await as(c).post('/v1/users').send(profileOf(c)).expect(201);
    await as(c).patch(`/v1/users/${c.accountId}`).set('if-match', '"1"').send({ locale: 'fr' }).expect(200);
    const events = await outboxSize();
    await as(c).patch(`/v1/users/${c.accountId}`).set('if-match', '"1"').send({ locale: 'de' }).expect(412);
    await as(c).patch(`/v1/users/${c.accountId}`).send({ locale: 'de' }).expect(428);
    const now = await as(c).get(`/v1/users/${c.accountId}`).expect(200);
    expect(now.body.locale).toBe('fr');
    expect(await outboxSize()).toBe(events);
  });

  it('when the change is empty or has unknown fields, it answers 400', async () => {
    const c = await h.caller();
    await as(c).post('/v1/users').send(profileOf(c)).expect(201);
    await as(c).patch(`/v1/users/${c.accountId}`).set('if-match', '"1"').send({}).expect(400);
    const res = await as(c).patch(`/v1/users/${c.accountId}`).set('if-match', '"1"').send({ version: 7 });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual(
      expect.objectContaining({ field: 'version', rule: 'unknown_field' }),
    );
  });

  it("when a user changes someone else's profile, it answers 403; an admin may", async () => {
    const c = await h.caller();
    await as(c).post('/v1/users').send(profileOf(c)).expect(201);
    await as(ada).patch(`/v1/users/${c.accountId}`).set('if-match', '"1"').send({ locale: 'fr' }).expect(403);
    await as(admin)
      .patch(`/v1/users/${c.accountId}`)
      .set('if-match', '"1"')
      .send({ avatarUrl: null })
      .expect(200);
  });
});

describe('deleting a profile', () => {
  it('when If-Match is current, it deletes the profile and records user.deleted; it is then gone', async () => {
    const c = await h.caller();
    await as(c).post('/v1/users').send(profileOf(c)).expect(201);
    await as(c).delete(`/v1/users/${c.accountId}`).set('if-match', '"2"').expect(412);
    await as(c).delete(`/v1/users/${c.accountId}`).expect(428);
    await as(c).delete(`/v1/users/${c.accountId}`).set('if-match', '"1"').expect(204);
    await as(c).get(`/v1/users/${c.accountId}`).expect(404);
    await as(admin).delete(`/v1/users/${c.accountId}`).set('if-match', '*').expect(404);
    expect(await h.events()).toContainEqual(
      expect.objectContaining({ type: 'user.deleted', subject: c.accountId }),
    );
  });
});

describe('listing profiles', () => {
  it('when an admin pages through a filtered list, every match appears once, in creation order', async () => {
    const tag = `Zed${Date.now().toString(36)}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await h.caller();
      await as(c)
        .post('/v1/users')
        .send(profileOf(c, { displayName: `${tag} ${i}`, locale: 'pt-BR' }))
        .expect(201);
      ids.push(c.accountId);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await as(admin)
        .get('/v1/users')
        .query({ q: tag.toLowerCase(), limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      seen.push(...res.body.items.map((p: { id: string }) => p.id));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
    const byLocale = await as(admin)
      .get('/v1/users')
      .query({ locale: 'pt-BR', q: tag, limit: 100 })
      .expect(200);
    expect(byLocale.body.items).toHaveLength(5);
  });

  it('when a non-admin lists, it answers 403; bad limits, cursors and unknown filters answer 400', async () => {
    await as(ada).get('/v1/users').expect(403);
    const res = await as(admin).get('/v1/users').query({ limit: 1000, sort: 'name' }).expect(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'limit', rule: 'too_big', in: 'query' }),
        expect.objectContaining({ field: 'sort', rule: 'unknown_field' }),
      ]),
    );
    await as(admin).get('/v1/users').query({ cursor: 'garbage' }).expect(400);
  });
});
