import { ExportRequestCore, ExportRequestListing, exportRequestSchemaVersion } from '@quire/kit';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentCleanup } from '../src/content-cleanup.js';
import { type Caller, type DocumentHarness, hashDownload, sha256, startDocument } from './harness.js';

let h: DocumentHarness;
let ada: Caller;
let bob: Caller;
let eve: Caller;
let admin: Caller;
beforeAll(async () => {
  h = await startDocument({ contentRetentionSeconds: 0 });
  [ada, bob, eve, admin] = await Promise.all([
    h.caller(),
    h.caller(),
    h.caller(),
    h.caller(['user', 'admin']),
  ]);
});
afterAll(() => h?.close());

const as = (c: Caller) => {
  const auth = (t: request.Test) => t.set('authorization', `Bearer ${c.token}`);
  const api = () => request(h.app.api);
  return {
    upload: (body: string | Buffer, query: Record<string, string> = {}, type = 'text/plain') =>
      auth(api().post('/v1/documents'))
        .query({ title: 'Notes', ...query })
        .set('content-type', type)
        .send(body),
    get: (path: string) => auth(api().get(path)),
    put: (path: string) => auth(api().put(path)),
    patch: (path: string) => auth(api().patch(path)),
    delete: (path: string) => auth(api().delete(path)),
    post: (path: string) => auth(api().post(path)),
  };
};

describe('uploading and downloading', () => {
  it('when a user uploads a document, it answers 201 with its metadata and the download is byte-identical', async () => {
    const content = Buffer.from('The Analytical Engine weaves algebraic patterns.\n'.repeat(100));
    const res = await as(ada).upload(content, {
      title: 'Note G',
      tags: 'Math,engines',
      sha256: sha256(content),
    });
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({
      title: 'Note G',
      ownerId: ada.subject,
      contentType: 'text/plain',
      size: content.length,
      sha256: sha256(content),
      tags: ['math', 'engines'],
      version: 1,
      shares: [],
    });
    expect(res.headers.location).toBe(`/v1/documents/${res.body.id}`);
    const download = await hashDownload(`${await h.url()}/v1/documents/${res.body.id}/content`, ada.token);
    expect(download).toMatchObject({ status: 200, size: content.length, sha256: sha256(content) });
    expect(download.headers['repr-digest']).toBe(
      `sha-256=:${Buffer.from(sha256(content), 'hex').toString('base64')}:`,
    );
  });

  it('when a presigned URL is asked for, it downloads the same bytes without a token', async () => {
    const content = Buffer.from('presigned bytes');
    const { body } = await as(ada).upload(content).expect(201);
    const url = await as(ada).get(`/v1/documents/${body.id}/content-url`).expect(200);
    const download = await hashDownload(url.body.url);
    expect(download).toMatchObject({ status: 200, sha256: sha256(content) });
    expect(new Date(url.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
  });

  it('when the upload is a JSON document, it is stored as content rather than parsed', async () => {
    const content = JSON.stringify({ chapter: 1, text: 'as content' });
    const res = await as(ada).upload(content, {}, 'application/json').expect(201);
    const down = await hashDownload(`${await h.url()}/v1/documents/${res.body.id}/content`, ada.token);
    expect(down).toMatchObject({ status: 200, sha256: sha256(content) });
  });
});

describe('versions', () => {
  it('when new content names the current ETag, it becomes version 2; a stale ETag gets 412 and a missing one 428', async () => {
    const { body } = await as(ada).upload('first draft').expect(201);
    const path = `/v1/documents/${body.id}/content`;
    const v2 = await as(ada)
      .put(path)
      .set('if-match', '"1"')
      .set('content-type', 'text/markdown')
      .send('# second draft');
    expect(v2.status).toBe(200);
    expect(v2.headers.etag).toBe('"2"');
    expect(v2.body).toMatchObject({
      version: 2,
      contentType: 'text/markdown',
      sha256: sha256('# second draft'),
    });
    await as(ada)
      .put(path)
      .set('if-match', '"1"')
      .set('content-type', 'text/plain')
      .send('lost update')
      .expect(412);
    await as(ada).put(path).set('content-type', 'text/plain').send('blind write').expect(428);
    const down = await hashDownload(`${await h.url()}${path}`, ada.token);
    expect(down.sha256).toBe(sha256('# second draft'));
    const renamed = await as(ada)
      .patch(`/v1/documents/${body.id}`)
      .set('if-match', '"2"')
      .send({ title: 'Drafts' });
    expect(renamed.body).toMatchObject({ title: 'Drafts', version: 3 });
  });

  it('when content is replaced, the old object stays until the cleanup removes it; the current one stays', async () => {
    const { body } = await as(ada).upload('old').expect(201);
    await as(ada)
      .put(`/v1/documents/${body.id}/content`)
      .set('if-match', '"1"')
      .set('content-type', 'text/plain')
      .send('new')
      .expect(200);
    const keys = (await h.objectKeys()).filter((k) => k.startsWith(`documents/${body.id}/`));
    expect(keys).toHaveLength(2);
    await new ContentCleanup({ pool: h.pool, objects: h.objects, logger: h.logger }).runOnce();
    expect((await h.objectKeys()).filter((k) => k.startsWith(`documents/${body.id}/`))).toHaveLength(1);
    expect((await hashDownload(`${await h.url()}/v1/documents/${body.id}/content`, ada.token)).sha256).toBe(
      sha256('new'),
    );
  });
});

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
    const shared = (await h.events()).find((e) => e.subject === body.id && e.type === 'document.shared');
    expect(shared?.data).toMatchObject({
      actor: ada.subject,
      version: 2,
      document: { readers: [ada.subject, bob.subject], text: 'for the index', deleted: false },
    });
  });
});

describe('deleting', () => {
  it('when the owner deletes a document, it is gone at once, document.deleted is recorded and the cleanup removes its content', async () => {
    const { body } = await as(ada).upload('to be deleted').expect(201);
    await as(ada).delete(`/v1/documents/${body.id}`).set('if-match', '"1"').expect(204);
    await as(ada).get(`/v1/documents/${body.id}`).expect(404);
    await as(ada).get(`/v1/documents/${body.id}/content`).expect(404);
    expect((await h.events()).filter((e) => e.subject === body.id).map((e) => e.type)).toEqual([
      'document.created',
      'document.deleted',
    ]);
    expect((await h.objectKeys()).some((k) => k.startsWith(`documents/${body.id}/`))).toBe(true);
    const cleanup = new ContentCleanup({ pool: h.pool, objects: h.objects, logger: h.logger });
    expect(await cleanup.runOnce()).toBeGreaterThanOrEqual(1);
    expect((await h.objectKeys()).some((k) => k.startsWith(`documents/${body.id}/`))).toBe(false);
  });
});

describe('listing', () => {
  it("pages through the caller's documents with a cursor and filters by tag and content type", async () => {
    const c = await h.caller();
    for (let i = 0; i < 5; i++) {
      await as(c)
        .upload(
          `doc ${i}`,
          { title: `Doc ${i}`, tags: i % 2 ? 'odd' : 'even' },
          i === 4 ? 'text/csv' : 'text/plain',
        )
        .expect(201);
    }
    const first = await as(c).get('/v1/documents?limit=2').expect(200);
    expect(first.body.items.map((d: { title: string }) => d.title)).toEqual(['Doc 0', 'Doc 1']);
    const second = await as(c).get(`/v1/documents?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(second.body.items.map((d: { title: string }) => d.title)).toEqual(['Doc 2', 'Doc 3']);
    const odd = await as(c).get('/v1/documents?tags=odd').expect(200);
    expect(odd.body.items.map((d: { title: string }) => d.title)).toEqual(['Doc 1', 'Doc 3']);
    const csv = await as(c).get('/v1/documents?contentType=text/csv').expect(200);
    expect(csv.body.items.map((d: { title: string }) => d.title)).toEqual(['Doc 4']);
    const bad = await as(c).get('/v1/documents?cursor=garbage').expect(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'cursor' });
  });
});

describe('exports', () => {
  it('when a user requests an export of their documents, it answers 202 and hands it to Kafka through the outbox', async () => {
    const res = await as(ada).post('/v1/exports').send({ format: 'zip' }).expect(202);
    expect(res.body).toMatchObject({ ownerId: ada.subject, requestedBy: ada.subject, status: 'requested' });
    const { rows } = await h.pool.query(
      'SELECT topic, message_key, envelope FROM outbox WHERE message_key = $1',
      [res.body.id],
    );
    expect(rows[0]).toMatchObject({
      topic: h.topics.exports,
      envelope: { type: 'export.requested', data: { exportId: res.body.id, ownerId: ada.subject } },
    });
    await as(ada).get(`/v1/exports/${res.body.id}`).expect(200);
    await as(eve).get(`/v1/exports/${res.body.id}`).expect(404);
    await as(eve).post('/v1/exports').send({ ownerId: ada.subject }).expect(403);
  });

  /** The request an export handed to Kafka, checked against the kit's contract as Export reads it. */
  const requestOf = async (exportId: string) => {
    const { rows } = await h.pool.query('SELECT envelope FROM outbox WHERE message_key = $1', [exportId]);
    const envelope = rows[0]?.envelope;
    expect(envelope.schemaVersion).toBe(exportRequestSchemaVersion);
    return { ...ExportRequestCore.parse(envelope.data), ...ExportRequestListing.parse(envelope.data) };
  };

  it('when a user requests an export, it lists their own and shared documents with readers and content keys, and leaves out deleted and unreadable ones', async () => {
    const [kim, lou] = await Promise.all([h.caller(), h.caller()]);
    const own = (await as(kim).upload('kim writes', { title: 'Own', tags: 'a,b' }).expect(201)).body;
    const shared = (await as(lou).upload('lou shares').expect(201)).body;
    await as(lou)
      .put(`/v1/documents/${shared.id}/shares/${kim.subject}`)
      .send({ permission: 'read' })
      .expect(200);
    const hidden = (await as(lou).upload('lou keeps').expect(201)).body;
    const gone = (await as(kim).upload('kim deletes').expect(201)).body;
    await as(kim).delete(`/v1/documents/${gone.id}`).set('if-match', '"1"').expect(204);

    const res = await as(kim).post('/v1/exports').send({}).expect(202);
    const request = await requestOf(res.body.id);
    expect(request).toMatchObject({
      exportId: res.body.id,
      requestedBy: kim.subject,
      ownerId: kim.subject,
      requesterIsAdmin: false,
      sourceBucket: h.bucket,
    });
    expect(request.documents.map((d) => d.id)).toEqual([own.id, shared.id]);
    const [first, second] = request.documents;
    expect(first).toEqual({
      id: own.id,
      version: 1,
      title: 'Own',
      contentType: 'text/plain',
      size: 10,
      sha256: sha256('kim writes'),
      objectKey: expect.any(String),
      tags: ['a', 'b'],
      readers: [kim.subject],
      createdAt: own.createdAt,
      updatedAt: own.updatedAt,
    });
    expect(second).toMatchObject({ version: 2, readers: [lou.subject, kim.subject] });
    // The keys are where the content is: Export reads them from the bucket as they are.
    const keys = await h.objectKeys();
    for (const d of request.documents) expect(keys).toContain(d.objectKey);

    const named = await as(kim)
      .post('/v1/exports')
      .send({ documentIds: [own.id, shared.id, hidden.id, gone.id] })
      .expect(202);
    expect((await requestOf(named.body.id)).documents.map((d) => d.id)).toEqual([own.id, shared.id]);
  });

  it("when an admin exports another user's documents, it lists that user's documents and says the requester is an admin", async () => {
    const [kim, lou] = await Promise.all([h.caller(), h.caller()]);
    const lous = (await as(lou).upload('lou alone').expect(201)).body;
    const kims = (await as(kim).upload('kim alone').expect(201)).body;
    const res = await as(admin).post('/v1/exports').send({ ownerId: lou.subject }).expect(202);
    expect(await requestOf(res.body.id)).toMatchObject({
      requestedBy: admin.subject,
      ownerId: lou.subject,
      requesterIsAdmin: true,
      documents: [{ id: lous.id, readers: [lou.subject] }],
    });
    const named = await as(admin)
      .post('/v1/exports')
      .send({ documentIds: [kims.id, lous.id] })
      .expect(202);
    expect((await requestOf(named.body.id)).documents.map((d) => d.id)).toEqual([lous.id, kims.id]);
  });
});
