// A document's content against the real PostgreSQL and S3: uploading it and downloading it byte for
// byte, new versions guarded by ETags, and deleting it, with the cleanup removing what is no longer
// current.
import { describe, expect, it } from 'vitest';
import { hashDownload, sha256 } from './harness.js';
import { useDocument } from './use-document.js';

// Replaced and deleted content is due for removal at once: only the test decides when the cleanup runs.
const { h, ada, as } = useDocument({ contentRetentionSeconds: 0 });

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
    await h.cleanup().runOnce();
    expect((await h.objectKeys()).filter((k) => k.startsWith(`documents/${body.id}/`))).toHaveLength(1);
    expect((await hashDownload(`${await h.url()}/v1/documents/${body.id}/content`, ada.token)).sha256).toBe(
      sha256('new'),
    );
  });
});

describe('deleting', () => {
  it('when the owner deletes a document, it is gone at once, document.deleted is recorded and the cleanup removes its content', async () => {
    const { body } = await as(ada).upload('to be deleted').expect(201);
    await as(ada).delete(`/v1/documents/${body.id}`).set('if-match', '"1"').expect(204);
    await as(ada).get(`/v1/documents/${body.id}`).expect(404);
    await as(ada).get(`/v1/documents/${body.id}/content`).expect(404);
    expect((await h.events(body.id)).map((e) => e.type)).toEqual(['document.created', 'document.deleted']);
    expect((await h.objectKeys()).some((k) => k.startsWith(`documents/${body.id}/`))).toBe(true);
    const cleanup = h.cleanup();
    expect(await cleanup.runOnce()).toBeGreaterThanOrEqual(1);
    expect((await h.objectKeys()).some((k) => k.startsWith(`documents/${body.id}/`))).toBe(false);
  });
});
