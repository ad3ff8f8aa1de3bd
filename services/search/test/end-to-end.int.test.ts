import {
  createKafkaPublisher,
  type EventConsumer,
  OutboxListener,
  OutboxRelay,
  startEventConsumer,
} from '@quire/kit';
import { testSetting } from '@quire/kit/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, type DocumentHarness, startDocument } from '../../document/test/harness.js';
import { brokers, createTopics } from '../../document/test/kafka-helpers.js';
import { type SearchHarness, startSearch } from './harness.js';

// Document (its outbox, relay and LISTEN/NOTIFY wake-up) → Kafka → Search's consumer → OpenSearch.
let doc: DocumentHarness;
let search: SearchHarness;
let relay: OutboxRelay;
let listener: OutboxListener;
let consumer: EventConsumer;
let dropTopics: () => Promise<void>;
let ada: Caller;
let bob: Caller;

beforeAll(async () => {
  doc = await startDocument();
  search = await startSearch('opensearch', { issuer: doc.issuer });
  dropTopics = await createTopics([{ topic: doc.topics.events, numPartitions: 12 }]);
  const publisher = createKafkaPublisher({ brokers: brokers(), clientId: 'e2e-test', logger: doc.logger });
  relay = new OutboxRelay({ pool: doc.pool, publisher, logger: doc.logger, idleDelayMs: 1_000 });
  listener = new OutboxListener({
    url: testSetting('QUIRE_POSTGRES_URL'),
    schema: doc.schema,
    onCommit: () => relay.wake(),
    logger: doc.logger,
  });
  relay.start();
  await listener.start();
  consumer = await startEventConsumer({
    brokers: brokers(),
    clientId: 'e2e-test',
    groupId: `search-e2e-${search.prefix}`,
    topics: [doc.topics.events],
    fromBeginning: true,
    logger: search.logger,
    handle: async (event) => {
      await search.indexer.apply(event);
    },
  });
  await consumer.joined;
  [ada, bob] = await Promise.all([doc.caller(), doc.caller()]);
});
afterAll(async () => {
  await consumer?.stop();
  await listener?.stop();
  await relay?.stop();
  await dropTopics?.();
  await search?.close();
  await doc?.close();
});

const find = (c: Caller, q: string) =>
  request(search.app.api).get('/v1/search').query({ q }).set('authorization', `Bearer ${c.token}`);
const found = async (c: Caller, q: string) =>
  (await find(c, q).expect(200)).body.items.map((i: { id: string }) => i.id);

/** Polls the Search API until `predicate` holds for the ids it returns; the time it took in ms. */
async function until(c: Caller, q: string, predicate: (ids: string[]) => boolean, timeoutMs = 10_000) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (predicate(await found(c, q))) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Search for ${q} did not reach the expected result within ${timeoutMs} ms`);
}

describe('from upload to search results', () => {
  it('an uploaded text document is searchable by a word of its text within two seconds', async () => {
    const res = await request(doc.app.api)
      .post('/v1/documents')
      .query({ title: 'Quarterly report', tags: 'finance' })
      .set('authorization', `Bearer ${ada.token}`)
      .set('content-type', 'text/plain')
      .send('Revenue grew thanks to the zeppelin division.');
    expect(res.status).toBe(201);
    const ms = await until(ada, 'zeppelin', (ids) => ids.includes(res.body.id));
    console.log(
      `Time to searchable: ${ms} ms from the upload's answer to the first query that found it (refresh interval 1 s)`,
    );
    expect(ms).toBeLessThan(2_000);
  });

  it('another user finds a document only while it is shared with them, and nobody after it is deleted', async () => {
    const res = await request(doc.app.api)
      .post('/v1/documents')
      .query({ title: 'Gondola designs' })
      .set('authorization', `Bearer ${ada.token}`)
      .set('content-type', 'text/markdown')
      .send('# Gondola\nA basket for the airship.');
    const id = res.body.id as string;
    await until(ada, 'gondola', (ids) => ids.includes(id));
    expect(await found(bob, 'gondola')).toEqual([]);

    const share = (method: 'put' | 'delete') =>
      request(doc.app.api)
        [method](`/v1/documents/${id}/shares/${bob.subject}`)
        .set('authorization', `Bearer ${ada.token}`);
    await share('put').send({ permission: 'read' }).expect(200);
    await until(bob, 'gondola', (ids) => ids.includes(id));
    await share('delete').expect(200);
    await until(bob, 'gondola', (ids) => !ids.includes(id));

    await request(doc.app.api)
      .delete(`/v1/documents/${id}`)
      .set('authorization', `Bearer ${ada.token}`)
      .expect(204);
    await until(ada, 'gondola', (ids) => !ids.includes(id));
  });
});
