// Who may do what with a document against the real PostgreSQL and S3: the owner, a user it is shared
// with for reading or writing, a stranger, and an admin; and the readers its events carry for search.
import { describe, expect, it } from 'vitest';
import { hashDownload } from './harness.js';
import { useDocument } from './use-document.js';

const { h, ada, bob, eve, admin, as } = useDocument({ contentRetentionSeconds: 0 });

describe('sharing and authorization', () => {
  it('when a document is not shared, another user gets 404 for it and never sees it in lists; an admin may read it', async () => {
    const { body } = await as(ada).upload('private').expect(201);
    await as(eve).get(`/v1/documents/${body.id}`).expect(404);
    await as(eve).get(`/v1/documents/${body.id}/content`).expect(404);
    const list = await as(eve).get('/v1/documents').expect(200);
    expect(list.body.items.map((d: { id: string }) => d.id)).not.toContain(body.id);
    await as(admin).get(`/v1/documents/${body.id}`).expect(200);
  });

  it('when shared for reading, the user may download but not write or share; with write, they may upload a version', async () => {
    const { body } = await as(ada).upload('shared text').expect(201);
    const shared = await as(ada)
      .put(`/v1/documents/${body.id}/shares/${bob.subject}`)
      .send({ permission: 'read' });
    expect(shared.status).toBe(200);
    expect(shared.body.shares).toEqual([{ userId: bob.subject, permission: 'read' }]);
    expect((await hashDownload(`${await h.url()}/v1/documents/${body.id}/content`, bob.token)).status).toBe(
      200,
    );
    await as(bob)
      .put(`/v1/documents/${body.id}/content`)
      .set('if-match', '*')
      .set('content-type', 'text/plain')
      .send('x')
      .expect(403);
    await as(bob)
      .put(`/v1/documents/${body.id}/shares/${eve.subject}`)
      .send({ permission: 'read' })
      .expect(403);
    await as(ada)
      .put(`/v1/documents/${body.id}/shares/${bob.subject}`)
      .send({ permission: 'write' })
      .expect(200);
    await as(bob)
      .put(`/v1/documents/${body.id}/content`)
      .set('if-match', '"3"')
      .set('content-type', 'text/plain')
      .send('by bob')
      .expect(200);
    await as(bob).delete(`/v1/documents/${body.id}`).expect(403);
    const list = await as(bob).get('/v1/documents').expect(200);
    expect(list.body.items.map((d: { id: string }) => d.id)).toContain(body.id);
    await as(ada).delete(`/v1/documents/${body.id}/shares/${bob.subject}`).expect(200);
    await as(bob).get(`/v1/documents/${body.id}`).expect(404);
  });

  it('records document.shared with the readers, so the search index can filter by them', async () => {
    const { body } = await as(ada).upload('for the index').expect(201);
    await as(ada)
      .put(`/v1/documents/${body.id}/shares/${bob.subject}`)
      .send({ permission: 'read' })
      .expect(200);
    const shared = (await h.events(body.id)).find((e) => e.type === 'document.shared');
    expect(shared?.data).toMatchObject({
      actor: ada.subject,
      version: 2,
      document: { readers: [ada.subject, bob.subject], text: 'for the index', deleted: false },
    });
  });
});
