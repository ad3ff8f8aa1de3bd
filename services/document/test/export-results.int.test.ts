import { randomUUID } from 'node:crypto';
import { type EventConsumer, type EventEnvelope, newEvent } from '@quire/kit';
import { produce } from '@quire/kit/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyExportResult, startExportResultsConsumer } from '../src/export-results.js';
import { type Caller, type DocumentHarness, startDocument } from './harness.js';
import { brokers, createTopics } from './kafka-helpers.js';

// Export's outcomes on quire.export.results → Document's consumer → the export's row → GET /v1/exports/:id.
let h: DocumentHarness;
let consumer: EventConsumer;
let dropTopics: () => Promise<void>;
let ada: Caller;
beforeAll(async () => {
  h = await startDocument();
  dropTopics = await createTopics([{ topic: h.topics.exportResults, numPartitions: 6 }]);
  consumer = await startExportResultsConsumer({
    pool: h.pool,
    brokers: brokers(),
    logger: h.logger,
    topic: h.topics.exportResults,
    groupId: `document-results-${h.schema}`,
  });
  await consumer.joined;
  ada = await h.caller();
});
afterAll(async () => {
  await consumer?.stop();
  await dropTopics?.();
  await h?.close();
});

const requestExport = async (who: Caller) =>
  (
    await request(h.app.api)
      .post('/v1/exports')
      .set('authorization', `Bearer ${who.token}`)
      .send({})
      .expect(202)
  ).body.id as string;
const exportOf = async (who: Caller, id: string) =>
  (await request(h.app.api).get(`/v1/exports/${id}`).set('authorization', `Bearer ${who.token}`).expect(200))
    .body;
const outcome = (type: 'export.ready' | 'export.failed', exportId: string, data: Record<string, unknown>) =>
  newEvent({
    type,
    source: 'export',
    subject: exportId,
    data: { exportId, requestedBy: ada.subject, ownerId: ada.subject, ...data },
  });
const ready = (exportId: string, expiresAt = new Date(Date.now() + 86_400_000).toISOString()) =>
  outcome('export.ready', exportId, {
    downloadUrl: `https://s3.example.com/exports/${exportId}.zip?X-Amz-Signature=abc`,
    expiresAt,
    archiveBytes: 4096,
    documentCount: 2,
    skippedCount: 1,
  });

/** Publishes the event and waits until the export leaves `requested`. */
async function deliver(event: EventEnvelope, exportId: string) {
  await produce(brokers(), h.topics.exportResults, [event]);
  const started = Date.now();
  for (;;) {
    const view = await exportOf(ada, exportId);
    if (view.status !== 'requested') return view;
    if (Date.now() - started > 30_000) throw new Error(`Export ${exportId} is still requested`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('export outcomes', () => {
  it('when Export reports an export ready, it answers completed with the download link, and a redelivered report changes nothing', async () => {
    const id = await requestExport(ada);
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const event = ready(id, expiresAt);
    expect(await deliver(event, id)).toMatchObject({
      status: 'completed',
      downloadUrl: `https://s3.example.com/exports/${id}.zip?X-Amz-Signature=abc`,
      expiresAt,
      documentCount: 2,
      skippedCount: 1,
      archiveBytes: 4096,
      finishedAt: expect.any(String),
    });
    expect(await applyExportResult(h.pool, event)).toBe('duplicate');
    const late = outcome('export.failed', id, { reason: 'too late' });
    expect(await applyExportResult(h.pool, late)).toBe('ignored');
    expect(await exportOf(ada, id)).toMatchObject({ status: 'completed' });
  });

  it('when Export reports an export failed, it answers failed with the reason and no link', async () => {
    const id = await requestExport(ada);
    const view = await deliver(
      outcome('export.failed', id, { reason: 'The archive could not be built' }),
      id,
    );
    expect(view).toMatchObject({ status: 'failed', error: 'The archive could not be built' });
    expect(view.downloadUrl).toBeUndefined();
  });

  it('when the link has expired, it answers expired without the link', async () => {
    const id = await requestExport(ada);
    expect(await applyExportResult(h.pool, ready(id, new Date(Date.now() - 1_000).toISOString()))).toBe(
      'completed',
    );
    const view = await exportOf(ada, id);
    expect(view.status).toBe('expired');
    expect(view.downloadUrl).toBeUndefined();
  });

  it('when an outcome breaks the contract, the export fails instead of waiting for ever', async () => {
    const id = await requestExport(ada);
    const broken = outcome('export.ready', id, { downloadUrl: 'not a url' });
    expect(await deliver(broken, id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/could not be read/),
    });
  });

  it('ignores outcomes of exports it never requested, and other event types', async () => {
    expect(await applyExportResult(h.pool, ready(randomUUID()))).toBe('ignored');
    const other = newEvent({ type: 'export.progress', source: 'export', subject: 'x', data: {} });
    expect(await applyExportResult(h.pool, other)).toBe('ignored');
  });
});
