// Requesting an export against the real PostgreSQL and S3: who may export whose documents, and the
// request Document hands to Kafka through its outbox, checked against the contract Export reads.
import { ExportRequestCore, ExportRequestListing, exportRequestSchemaVersion } from '@quire/kit';
import { describe, expect, it } from 'vitest';
import { sha256 } from './harness.js';
import { useDocument } from './use-document.js';

const { h, ada, eve, admin, as } = useDocument({ contentRetentionSeconds: 0 });

/** The request an export handed to Kafka, checked against the kit's contract as Export reads it. */
const requestOf = async (exportId: string) => {
  const { rows } = await h.pool.query('SELECT envelope FROM outbox WHERE message_key = $1', [exportId]);
  const envelope = rows[0]?.envelope;
  expect(envelope.schemaVersion).toBe(exportRequestSchemaVersion);
  return { ...ExportRequestCore.parse(envelope.data), ...ExportRequestListing.parse(envelope.data) };
};

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
