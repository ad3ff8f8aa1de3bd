import { randomBytes } from 'node:crypto';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, type DocumentHarness, sha256, startDocument, streamRequest } from './harness.js';

const mib = 1024 * 1024;
let h: DocumentHarness;
let ada: Caller;
beforeAll(async () => {
  // A small limit and S3's smallest part size, so that refusals happen both before and during multipart uploads.
  h = await startDocument({ maxUploadBytes: 20 * mib, partSizeBytes: 5 * mib });
  ada = await h.caller();
});
afterAll(() => h?.close());

/** What a refused upload must leave unchanged: rows, pending cleanups, objects and multipart uploads. */
const footprint = async () => ({
  documents: await h.count('documents'),
  cleanups: await h.count('object_cleanup'),
  events: await h.count('outbox'),
  objects: (await h.objectKeys()).length,
  multipart: ((await h.s3.send(new ListMultipartUploadsCommand({ Bucket: h.bucket }))).Uploads ?? []).length,
});

const upload = (query: Record<string, string | number>, body: string | Buffer, type = 'text/plain') =>
  request(h.app.api)
    .post('/v1/documents')
    .set('authorization', `Bearer ${ada.token}`)
    .query(query)
    .set('content-type', type)
    .send(body);

/** Yields `total` random bytes in 64 KiB chunks, without a Content-Length. */
async function* randomChunks(total: number): AsyncGenerator<Buffer> {
  for (let sent = 0; sent < total; sent += 64 * 1024) yield randomBytes(Math.min(64 * 1024, total - sent));
}

describe('refused uploads leave neither a row nor an object behind', () => {
  it('when the declared size is wrong (smaller or larger), it answers 400 naming size', async () => {
    const before = await footprint();
    for (const size of [3, 300]) {
      const res = await upload({ title: 'Sized', size }, 'twelve bytes');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'size', rule: 'size' })]);
    }
    expect(await footprint()).toEqual(before);
  });

  it('when the declared checksum is wrong, it answers 400 naming sha256 and the checksum that arrived', async () => {
    const before = await footprint();
    const res = await upload({ title: 'Checked', sha256: sha256('something else') }, 'the real content');
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'sha256', rule: 'sha256' });
    expect(res.body.errors[0].message).toContain(sha256('the real content'));
    expect(await footprint()).toEqual(before);
  });

  it('when the checksum of a multipart upload is wrong, the parts already sent are aborted', async () => {
    const before = await footprint();
    const res = await streamRequest(`${await h.url()}/v1/documents?title=Big&sha256=${sha256('not it')}`, {
      method: 'POST',
      token: ada.token,
      headers: { 'content-type': 'application/pdf' },
      body: randomChunks(12 * mib),
    });
    expect(res.status).toBe(400);
    expect(await footprint()).toEqual(before);
  });

  it('when the media type is not accepted or missing, it answers 415 listing the accepted types', async () => {
    const before = await footprint();
    const res = await upload({ title: 'Program' }, 'MZ...', 'application/x-msdownload');
    expect(res.status).toBe(415);
    expect(res.body).toMatchObject({ type: 'urn:quire:problem:unsupported-media-type', status: 415 });
    expect(res.body.detail).toContain('text/plain');
    const none = await request(h.app.api)
      .post('/v1/documents?title=Untyped')
      .set('authorization', `Bearer ${ada.token}`)
      .send(Buffer.from('raw'));
    expect(none.status).toBe(415);
    expect(await footprint()).toEqual(before);
  });

  it('when the title is missing or blank, it answers 400 naming title', async () => {
    const before = await footprint();
    for (const query of [{}, { title: '   ' }] as Record<string, string>[]) {
      const res = await upload(query, 'untitled');
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'title', in: 'query' })]);
    }
    expect(await footprint()).toEqual(before);
  });

  it('when the body is over the limit, it answers 413: at once when Content-Length says so, mid-stream otherwise', async () => {
    const before = await footprint();
    const declared = await upload({ title: 'Huge' }, Buffer.alloc(20 * mib + 1));
    expect(declared.status).toBe(413);
    expect(declared.body.detail).toContain(String(20 * mib));
    const streamed = await streamRequest(`${await h.url()}/v1/documents?title=Huge`, {
      method: 'POST',
      token: ada.token,
      headers: { 'content-type': 'application/pdf' },
      body: randomChunks(21 * mib),
    });
    expect(streamed.status).toBe(413);
    expect(await footprint()).toEqual(before);
  });

  it('when a new version has a wrong checksum, the document keeps its version and content', async () => {
    const created = await upload({ title: 'Stable' }, 'version one').expect(201);
    const before = await footprint();
    const res = await request(h.app.api)
      .put(`/v1/documents/${created.body.id}/content`)
      .query({ sha256: sha256('nope') })
      .set('authorization', `Bearer ${ada.token}`)
      .set('if-match', '"1"')
      .set('content-type', 'text/plain')
      .send('version two');
    expect(res.status).toBe(400);
    expect(await footprint()).toEqual(before);
    const doc = await request(h.app.api)
      .get(`/v1/documents/${created.body.id}`)
      .set('authorization', `Bearer ${ada.token}`);
    expect(doc.body).toMatchObject({ version: 1, sha256: sha256('version one') });
  });

  it('when a JSON body is not valid for a JSON route, it still answers a problem, not a 500', async () => {
    const res = await request(h.app.api)
      .post('/v1/exports')
      .set('authorization', `Bearer ${ada.token}`)
      .set('content-type', 'application/json')
      .send('{"format": ');
    expect(res.status).toBe(400);
  });
});
