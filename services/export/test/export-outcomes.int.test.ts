import { randomUUID } from 'node:crypto';
import { type EventConsumer, newEvent, parseEnvelope } from '@quire/kit';
import { downloadFetch, produce, readTopic } from '@quire/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultExportSettings } from '../src/config.js';
import { startExportConsumer } from '../src/export-consumer.js';
import { handleExportRequest } from '../src/export-worker.js';
import { brokers, type ExportHarness, startExport, until } from './harness.js';

let h: ExportHarness;
let consumer: EventConsumer;
beforeAll(async () => {
  h = await startExport();
  consumer = await startExportConsumer({
    pool: h.pool,
    s3: h.s3,
    bucket: h.bucket,
    brokers: brokers(),
    logger: h.logger,
    settings: defaultExportSettings(),
    groupId: `export-outcomes-${h.schema}`,
    topic: h.topics.requests,
    resultsTopic: h.topics.results,
    deadLetterTopic: h.topics.dlq,
  });
  await consumer.joined;
});
afterAll(async () => {
  await consumer?.stop();
  await h?.close();
});

const outboxEvents = async (exportId: string) =>
  (await h.pool.query(`SELECT envelope FROM outbox WHERE message_key = $1`, [exportId])).rows.map(
    (r) => r.envelope,
  );

describe('export outcomes', () => {
  it('gives a download link that works until it expires, and not after', async () => {
    const docs = await h.seed([1000, 2000], ['ada']);
    const request = h.request('ada', docs);
    const deps = {
      pool: h.pool,
      s3: h.s3,
      bucket: h.bucket,
      logger: h.logger,
      resultsTopic: h.topics.results,
    };
    const settings = { ...defaultExportSettings(), linkTtlSeconds: 2 };
    expect(await handleExportRequest({ ...deps, settings }, request, { attempt: 1 })).toBe('ready');
    expect(await handleExportRequest({ ...deps, settings }, request, { attempt: 1 })).toBe('duplicate');
    const [ready] = await outboxEvents((request.data as { exportId: string }).exportId);
    const url = new URL(ready.data.downloadUrl);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('2');
    expect((await downloadFetch(url)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await downloadFetch(url)).status).toBe(403);
  });

  it('reports a request without its document list as failed, so the requester hears of it', async () => {
    const exportId = randomUUID();
    const v1 = newEvent({
      type: 'export.requested',
      source: 'document',
      subject: exportId,
      data: { exportId, requestedBy: 'bob', ownerId: 'bob', format: 'zip' },
    });
    await produce(brokers(), h.topics.requests, [v1]);
    await until(async () => (await h.job(exportId))?.status === 'failed');
    const [failed] = await outboxEvents(exportId);
    expect(failed).toMatchObject({
      type: 'export.failed',
      data: { requestedBy: 'bob', reason: expect.stringMatching(/schema 2/) },
    });
  });

  it('dead-letters a request without an export id, and takes up the next request on the partition', async () => {
    const docs = await h.seed([10], ['cyd']);
    const good = h.request('cyd', docs);
    const bad = newEvent({
      type: 'export.requested',
      source: 'document',
      subject: 'x',
      data: { requestedBy: 'cyd' },
    });
    await produce(brokers(), h.topics.requests, [
      { key: 'same', value: JSON.stringify(bad) },
      { key: 'same', value: JSON.stringify(good) },
    ]);
    const exportId = (good.data as { exportId: string }).exportId;
    await until(async () => (await h.job(exportId))?.status === 'ready');
    const letters = await readTopic(brokers(), h.topics.dlq, 1);
    expect(parseEnvelope(letters[0]?.value ?? null)?.id).toBe(bad.id);
    expect(letters[0]?.headers?.['quire-error']?.toString()).toMatch(/export request is invalid/);
  });
});
