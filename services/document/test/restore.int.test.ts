// Restoring a deleted document (POST /v1/documents/:id/restore) against the real PostgreSQL and S3:
// who may, what it answers, its event, and what happens once the cleanup has removed the content.
// A restore racing the cleanup is in restore-race.int.test.ts; the search index in restore-search.
import { describe, expect, it } from 'vitest';
import { hashDownload, sha256 } from './harness.js';
import { useDocument } from './use-document.js';

// Deleted content is due for removal at once: only the test decides when the cleanup runs.
const { h, ada, bob, eve, admin, as } = useDocument({ contentRetentionSeconds: 0 });

describe('restoring a deleted document', () => {
  it('when the owner restores it, it answers 200 with a new version and ETag, records document.restored, and the document is back with its shares and content', async () => {
    const { body } = await as(ada).upload('worth keeping').expect(201);
    await as(ada)
      .put(`/v1/documents/${body.id}/shares/${bob.subject}`)
      .send({ permission: 'read' })
      .expect(200);
    await as(ada).delete(`/v1/documents/${body.id}`).expect(204);

    const res = await as(ada).restore(body.id);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"4"');
    expect(res.body).toMatchObject({
      id: body.id,
      version: 4,
      title: 'Notes',
      sha256: sha256('worth keeping'),
      shares: [{ userId: bob.subject, permission: 'read' }],
    });
    const events = await h.events(body.id);
    expect(events.map((e) => e.type)).toEqual([
      'document.created',
      'document.shared',
      'document.deleted',
      'document.restored',
    ]);
    expect(events.at(-1)?.data).toMatchObject({
      actor: ada.subject,
      changed: ['deleted'],
      version: 4,
      document: { id: body.id, version: 4, deleted: false, readers: [ada.subject, bob.subject] },
    });

    await as(ada).get(`/v1/documents/${body.id}`).expect(200);
    await as(bob).get(`/v1/documents/${body.id}`).expect(200);
    const list = await as(ada).get('/v1/documents').expect(200);
    expect(list.body.items.map((d: { id: string }) => d.id)).toContain(body.id);
    // The content is no longer waiting for the cleanup: a sweep now leaves it where it is.
    await h.cleanup().runOnce();
    const download = await hashDownload(`${await h.url()}/v1/documents/${body.id}/content`, ada.token);
    expect(download).toMatchObject({ status: 200, sha256: sha256('worth keeping') });
  });

  it('when a user it is shared with asks, it answers 403; a stranger gets 404; an admin may restore it', async () => {
    const { body } = await as(ada).upload('shared then deleted').expect(201);
    await as(ada)
      .put(`/v1/documents/${body.id}/shares/${bob.subject}`)
      .send({ permission: 'write' })
      .expect(200);
    await as(ada).delete(`/v1/documents/${body.id}`).expect(204);

    const refused = await as(bob).restore(body.id).expect(403);
    expect(refused.body.detail).toBe('Only the owner of the document may do this');
    const unknown = await as(eve).restore(body.id).expect(404);
    expect(unknown.body.detail).toBe('No document has this id');
    expect((await h.events(body.id)).map((e) => e.type)).not.toContain('document.restored');

    const restored = await as(admin).restore(body.id).expect(200);
    expect(restored.body).toMatchObject({ ownerId: ada.subject, version: 4 });
    expect((await h.events(body.id)).at(-1)).toMatchObject({
      type: 'document.restored',
      data: { actor: admin.subject },
    });
  });

  it('when the document is not deleted, it answers 409 and changes nothing', async () => {
    const { body } = await as(ada).upload('alive').expect(201);
    const res = await as(ada).restore(body.id).expect(409);
    expect(res.body).toMatchObject({
      type: 'urn:quire:problem:conflict',
      detail: 'The document is not deleted: there is nothing to restore',
    });
    expect((await as(ada).get(`/v1/documents/${body.id}`).expect(200)).headers.etag).toBe('"1"');
    expect((await h.events(body.id)).map((e) => e.type)).toEqual(['document.created']);

    await as(ada).restore('5b0e6a5c-0000-4000-8000-000000000000').expect(404);
    const bad = await as(ada).restore('not-a-uuid').expect(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'id', in: 'params' });
  });

  it('when the cleanup has removed the content, it answers 410 Gone saying it is too late, and the document stays deleted', async () => {
    const doc = await h.deleted(ada);
    await h.cleanup().runOnce();
    expect(await h.stored(doc.key)).toBe(false);

    const res = await as(ada).restore(doc.id).expect(410);
    expect(res.body.title).toBe('Gone');
    expect(res.body.detail).toBe(
      'The document was deleted and its content has since been removed: it is too late to restore it',
    );
    await as(ada).get(`/v1/documents/${doc.id}`).expect(404);
    expect((await h.events(doc.id)).map((e) => e.type)).toEqual(['document.created', 'document.deleted']);
  });

  it('when a cleanup removed the object but did not record it, the restore looks in storage and answers 410 too late', async () => {
    const doc = await h.deleted(ada);
    // As a sweep that removed the object and then lost its database connection leaves things.
    await h.objects.delete(doc.key);

    const res = await as(ada).restore(doc.id).expect(410);
    expect(res.body.detail).toContain('too late to restore it');
    await as(ada).get(`/v1/documents/${doc.id}`).expect(404);
    // Rolled back: the next sweep still finds the row and finishes the job.
    expect(await h.cleanup().runOnce()).toBeGreaterThanOrEqual(1);
    expect(
      (await h.pool.query('SELECT 1 FROM object_cleanup WHERE object_key = $1', [doc.key])).rowCount,
    ).toBe(0);
  });
});
