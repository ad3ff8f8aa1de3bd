// The trash (GET /v1/documents/deleted) against the real PostgreSQL and S3: whose deleted documents it
// lists, in what order, a page at a time, and how a document leaves it: restored, or its content
// cleaned up once the retention has passed.
import { describe, expect, it } from 'vitest';
import { useDocument } from './use-document.js';

const retentionSeconds = 3600;
const { h, ada, bob, eve, admin, as } = useDocument({ contentRetentionSeconds: retentionSeconds });

const idsOf = (page: { items: { id: string }[] }) => page.items.map((d) => d.id);
const trashOf = async (c: typeof ada, query = '') =>
  (await as(c).get(`/v1/documents/deleted${query}`).expect(200)).body;
/** As if the retention had run out: the content is due for the cleanup now. */
const expire = (key: string) =>
  h.pool.query("UPDATE object_cleanup SET not_before = now() - interval '1 second' WHERE object_key = $1", [
    key,
  ]);

describe('the trash', () => {
  it('when the owner lists it, it answers only their deleted documents, newest deletion first, each with when it was deleted and until when it can be restored', async () => {
    const kim = await h.caller();
    await as(kim).upload('still here').expect(201);
    const first = await h.deleted(kim);
    const second = await h.deleted(kim);
    await h.deleted(bob);

    const trash = await trashOf(kim);
    expect(idsOf(trash)).toEqual([second.id, first.id]);
    expect(trash.nextCursor).toBeUndefined();
    const [item] = trash.items;
    expect(item).toMatchObject({ id: second.id, ownerId: kim.subject, title: 'Notes', version: 2 });
    expect(Date.parse(item.restorableUntil) - Date.parse(item.deletedAt)).toBe(retentionSeconds * 1000);
    expect(Math.abs(Date.parse(item.deletedAt) - Date.now())).toBeLessThan(60_000);
  });

  it('when a document shared with someone is deleted, it is in the trash of its owner only', async () => {
    const { body } = await as(ada).upload('shared, then deleted').expect(201);
    await as(ada)
      .put(`/v1/documents/${body.id}/shares/${eve.subject}`)
      .send({ permission: 'write' })
      .expect(200);
    await as(ada).delete(`/v1/documents/${body.id}`).expect(204);

    expect(idsOf(await trashOf(ada))).toContain(body.id);
    expect(idsOf(await trashOf(eve))).not.toContain(body.id);
    expect(idsOf(await trashOf(admin))).not.toContain(body.id);
  });

  it('pages newest deletion first with the cursor it hands out', async () => {
    const kim = await h.caller();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await h.deleted(kim)).id);

    const first = await trashOf(kim, '?limit=2');
    expect(idsOf(first)).toEqual([ids[2], ids[1]]);
    const second = await trashOf(kim, `?limit=2&cursor=${first.nextCursor}`);
    expect(idsOf(second)).toEqual([ids[0]]);
    expect(second.nextCursor).toBeUndefined();
  });

  it('when a document is restored, it leaves the trash and is back in the list of documents', async () => {
    const kim = await h.caller();
    const doc = await h.deleted(kim);
    expect(idsOf(await trashOf(kim))).toEqual([doc.id]);

    await as(kim).restore(doc.id).expect(200);
    expect(await trashOf(kim)).toEqual({ items: [] });
    expect(idsOf((await as(kim).get('/v1/documents').expect(200)).body)).toEqual([doc.id]);
  });

  it('when the retention has run out it is no longer offered, and once the cleanup removed the content restoring it is too late', async () => {
    const kim = await h.caller();
    const kept = await h.deleted(kim);
    const lost = await h.deleted(kim);

    await expire(lost.key);
    expect(idsOf(await trashOf(kim))).toEqual([kept.id]);
    expect(await h.cleanup().runOnce()).toBeGreaterThanOrEqual(1);
    expect(await h.stored(lost.key)).toBe(false);
    expect(idsOf(await trashOf(kim))).toEqual([kept.id]);
    await as(kim).restore(lost.id).expect(410);
  });

  it("when a user names another owner, it answers 403; an admin may list anyone's, and a user may name themself", async () => {
    const kim = await h.caller();
    const doc = await h.deleted(kim);

    const refused = await as(eve).get(`/v1/documents/deleted?owner=${kim.subject}`).expect(403);
    expect(refused.body.detail).toBe("Only admins may list another user's deleted documents");
    expect(idsOf(await trashOf(admin, `?owner=${kim.subject}`))).toEqual([doc.id]);
    expect(idsOf(await trashOf(kim, `?owner=${kim.subject}`))).toEqual([doc.id]);
    // An admin restores it as any owner's document.
    await as(admin).restore(doc.id).expect(200);
    expect(await trashOf(kim)).toEqual({ items: [] });
  });

  it('when the cursor, limit or a field is wrong, it answers 400 naming it', async () => {
    const bad = await as(ada).get('/v1/documents/deleted?cursor=garbage').expect(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'cursor', in: 'query' });
    const big = await as(ada).get('/v1/documents/deleted?limit=101').expect(400);
    expect(big.body.errors[0]).toMatchObject({ field: 'limit', in: 'query' });
    const unknown = await as(ada).get('/v1/documents/deleted?tags=x').expect(400);
    expect(unknown.body.errors[0]).toMatchObject({ in: 'query' });
  });
});
