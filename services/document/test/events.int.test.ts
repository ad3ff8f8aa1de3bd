import { createKafkaPublisher, type EventPublisher, OutboxListener, OutboxRelay } from '@quire/kit';
import { socketFactoryVia, TcpProxy, testSetting } from '@quire/kit/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, type DocumentHarness, startDocument } from './harness.js';
import { brokers, createTopics, recordTopic } from './kafka-helpers.js';

let h: DocumentHarness;
let ada: Caller;
let dropTopics: () => Promise<void>;
beforeAll(async () => {
  h = await startDocument();
  ada = await h.caller();
  dropTopics = await createTopics([
    { topic: h.topics.events, numPartitions: 12 },
    { topic: h.topics.exports, numPartitions: 6 },
  ]);
});
afterAll(async () => {
  await dropTopics?.();
  await h?.close();
});

/** A relay woken by commits, publishing through `publisher`. */
async function startRelay(publisher: EventPublisher, idleDelayMs: number) {
  const relay = new OutboxRelay({
    pool: h.pool,
    publisher,
    logger: h.logger,
    idleDelayMs,
    maxBackoffMs: 2_000,
  });
  const listener = new OutboxListener({
    url: testSetting('QUIRE_POSTGRES_URL'),
    schema: h.schema,
    onCommit: () => relay.wake(),
    logger: h.logger,
  });
  relay.start();
  await listener.start();
  return {
    async stop() {
      await listener.stop();
      await relay.stop();
      await publisher.close();
    },
  };
}

const upload = (title: string) =>
  request(h.app.api)
    .post('/v1/documents')
    .query({ title })
    .set('authorization', `Bearer ${ada.token}`)
    .set('content-type', 'text/plain')
    .send(`content of ${title}`);

describe('document events', () => {
  it('when a document changes, its event reaches Kafka at once: the commit wakes the relay, not its poll', async () => {
    const consumer = await recordTopic(h.topics.events);
    const publisher = createKafkaPublisher({
      brokers: brokers(),
      clientId: 'document-test',
      logger: h.logger,
    });
    // The poll is a minute apart, so only the NOTIFY on commit can explain a quick delivery.
    const relay = await startRelay(publisher, 60_000);
    try {
      await new Promise((r) => setTimeout(r, 1_000)); // the relay's first (empty) batch is done; it sleeps
      const started = Date.now();
      const res = await upload('Prompt').expect(201);
      await expect
        .poll(() => consumer.unique().some((r) => r.event.subject === res.body.id), { timeout: 10_000 })
        .toBe(true);
      const arrived = consumer.unique().find((r) => r.event.subject === res.body.id);
      console.log(`Commit to consumer: ${(arrived?.at ?? 0) - started} ms (relay poll interval 60 s)`);
      expect((arrived?.at ?? Infinity) - started).toBeLessThan(2_000);
      expect(arrived?.event).toMatchObject({
        type: 'document.created',
        source: 'document',
        schemaVersion: 1,
        data: { version: 1 },
      });
      expect(arrived?.event.time).toBeTruthy();
    } finally {
      await relay.stop();
      await consumer.stop();
    }
  }, 60_000);

  it('when Kafka is unreachable during 200 writes, every write succeeds and each event arrives once per version, in order per document, after it is back', async () => {
    const consumer = await recordTopic(h.topics.events);
    // Every broker connection of the producer (bootstrap and advertised address alike) goes through the proxy.
    const [host, port] = (brokers()[0] ?? '').split(':');
    const proxy = await new TcpProxy({ host: host ?? '127.0.0.1', port: Number(port) }).start();
    const publisher = createKafkaPublisher({
      brokers: [`127.0.0.1:${proxy.port}`],
      clientId: 'document-test',
      logger: h.logger,
      socketFactory: socketFactoryVia({ port: proxy.port }),
    });
    const relay = await startRelay(publisher, 1_000);
    try {
      // 20 documents, each created and then renamed 9 times: versions 1 to 10, 200 writes. The
      // broker is cut away once 60 writes are done, while the relay is publishing.
      let done = 0;
      const writes = (async () => {
        const docs = await Promise.all(Array.from({ length: 20 }, (_, i) => upload(`Outage ${i}`)));
        done += docs.length;
        const ids = docs.map((d) => d.body.id as string);
        const statuses = await Promise.all(
          ids.map(async (id) => {
            const out: number[] = [];
            for (let v = 1; v <= 9; v++) {
              const res = await request(h.app.api)
                .patch(`/v1/documents/${id}`)
                .set('authorization', `Bearer ${ada.token}`)
                .set('if-match', `"${v}"`)
                .send({ title: `Outage renamed ${v}` });
              out.push(res.status);
              done += 1;
            }
            return out;
          }),
        );
        return { ids, statuses: [...docs.map((d) => d.status), ...statuses.flat()] };
      })();
      await expect.poll(() => done, { timeout: 30_000, interval: 5 }).toBeGreaterThanOrEqual(60);
      await proxy.cut();
      const cutAt = Date.now();
      const { ids, statuses } = await writes;
      expect(statuses.slice(0, 20)).toEqual(Array(20).fill(201));
      expect(statuses.slice(20)).toEqual(Array(180).fill(200));
      const waiting = await h.count('outbox');
      expect(waiting).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 8_000)); // the relay keeps failing meanwhile
      expect(await h.count('outbox')).toBe(waiting);

      const restoredAt = Date.now();
      await proxy.restore();
      const ours = () => consumer.unique().filter((r) => ids.includes(r.event.subject));
      await expect.poll(() => ours().length, { timeout: 60_000, interval: 200 }).toBe(200);
      const drainedAt = Date.now();
      expect(await h.count('outbox')).toBe(0);
      for (const id of ids) {
        const versions = ours()
          .filter((r) => r.event.subject === id)
          .map((r) => r.event.data.version);
        expect(versions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      }
      const raw = consumer.received.filter((r) => ids.includes(r.event.subject)).length;
      console.log(
        `Kafka outage: 200 writes succeeded while cut for ${((restoredAt - cutAt) / 1000).toFixed(1)} s; ` +
          `all 200 events delivered ${((drainedAt - restoredAt) / 1000).toFixed(1)} s after the broker was back; ` +
          `${waiting} events waited in the outbox; ${raw} messages received, ${raw - 200} duplicates removed by event id`,
      );
    } finally {
      await relay.stop();
      await proxy.cut();
      await consumer.stop();
    }
  }, 120_000);
});
