/**
 * An export from request to archive across two services, each in-process from its own test harness:
 * Document (POST /v1/exports, its outbox) → quire.export.requests → Export (the archive in S3, its
 * outbox) → quire.export.results → Document's consumer → GET /v1/exports/:id → the presigned link.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createKafkaPublisher, type EventConsumer, OutboxRelay } from '@quire/kit';
import { downloadFetch } from '@quire/kit/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultExportSettings } from '../../export/src/config.js';
import { startExportConsumer } from '../../export/src/export-consumer.js';
import { unpack } from '../../export/test/archive-reader.js';
import { type ExportHarness, startExport, until } from '../../export/test/harness.js';
import { startExportResultsConsumer } from '../src/export-results.js';
import { type Caller, type DocumentHarness, sha256, startDocument } from './harness.js';
import { brokers, createTopics } from './kafka-helpers.js';

let exp: ExportHarness;
let doc: DocumentHarness;
let dropTopics: () => Promise<void>;
let dir: string;
const relays: OutboxRelay[] = [];
const consumers: EventConsumer[] = [];

beforeAll(async () => {
  exp = await startExport();
  doc = await startDocument(
    {},
    { topics: { exports: exp.topics.requests, exportResults: exp.topics.results } },
  );
  dropTopics = await createTopics([{ topic: doc.topics.events, numPartitions: 12 }]);
  dir = await mkdtemp(join(tmpdir(), 'quire-export-flow-'));
  for (const h of [doc, exp]) {
    const publisher = createKafkaPublisher({
      brokers: brokers(),
      clientId: 'export-flow-test',
      logger: h.logger,
    });
    const relay = new OutboxRelay({ pool: h.pool, publisher, logger: h.logger, idleDelayMs: 50 });
    relay.start();
    relays.push(relay);
  }
  consumers.push(
    await startExportConsumer({
      pool: exp.pool,
      s3: exp.s3,
      bucket: exp.bucket,
      brokers: brokers(),
      logger: exp.logger,
      settings: defaultExportSettings(),
      groupId: `export-flow-${exp.schema}`,
      topic: exp.topics.requests,
      resultsTopic: exp.topics.results,
      deadLetterTopic: exp.topics.dlq,
    }),
    await startExportResultsConsumer({
      pool: doc.pool,
      brokers: brokers(),
      logger: doc.logger,
      topic: exp.topics.results,
      groupId: `export-flow-${doc.schema}`,
    }),
  );
  await Promise.all(consumers.map((c) => c.joined));
});
afterAll(async () => {
  for (const c of consumers) await c.stop();
  for (const r of relays) await r.stop();
  await dropTopics?.();
  await doc?.close();
  await exp?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const as = (c: Caller) => ({
  upload: (body: Buffer, title: string, type: string) =>
    request(doc.app.api)
      .post('/v1/documents')
      .set('authorization', `Bearer ${c.token}`)
      .query({ title })
      .set('content-type', type)
      .send(body)
      .expect(201),
  call: (method: 'get' | 'post' | 'put', path: string) =>
    request(doc.app.api)[method](path).set('authorization', `Bearer ${c.token}`),
});

describe('an export across Document and Export', () => {
  it('when a user exports their documents, the archive behind the completed export holds exactly the ones they may read, byte for byte', async () => {
    const [kim, lou] = await Promise.all([doc.caller(), doc.caller()]);
    const contents = {
      own: Buffer.from('Kim’s notes on the Difference Engine.\n'.repeat(500)),
      shared: randomBytes(300_000),
      hidden: Buffer.from('Lou’s private ledger'),
    };
    const own = (await as(kim).upload(contents.own, 'Notes', 'text/plain')).body;
    const shared = (await as(lou).upload(contents.shared, 'Plates', 'image/png')).body;
    await as(lou)
      .call('put', `/v1/documents/${shared.id}/shares/${kim.subject}`)
      .send({ permission: 'read' })
      .expect(200);
    const hidden = (await as(lou).upload(contents.hidden, 'Ledger', 'text/plain')).body;

    const requested = await as(kim)
      .call('post', '/v1/exports')
      .send({ documentIds: [own.id, shared.id, hidden.id] })
      .expect(202);
    const id = requested.body.id as string;
    let view: { status: string; downloadUrl?: string; documentCount?: number; error?: string } =
      requested.body;
    await until(async () => {
      view = (await as(kim).call('get', `/v1/exports/${id}`).expect(200)).body;
      return view.status !== 'requested';
    }, 90_000);
    expect(view).toMatchObject({ status: 'completed', documentCount: 2, skippedCount: 0 });

    const response = await downloadFetch(view.downloadUrl as string);
    expect(response.status).toBe(200);
    const file = join(dir, `${id}.zip`);
    await pipeline(Readable.fromWeb(response.body as never), createWriteStream(file));
    const entries = await unpack(file);
    const hashes = [...entries].filter(([name]) => name !== 'manifest.json').map(([, e]) => e.sha256);
    expect(hashes.sort()).toEqual([sha256(contents.own), sha256(contents.shared)].sort());
    expect(hashes).not.toContain(sha256(contents.hidden));
    expect([...entries.keys()].some((name) => name.includes(hidden.id))).toBe(false);
    const manifest = JSON.parse(entries.get('manifest.json')?.text ?? '{}');
    expect(manifest).toMatchObject({ exportId: id, requestedBy: kim.subject, skipped: [] });
    expect(manifest.documents.map((d: { id: string }) => d.id).sort()).toEqual([own.id, shared.id].sort());
  });
});
