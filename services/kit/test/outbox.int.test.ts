import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventPublisher, newEvent, type OutgoingMessage } from '../src/events.js';
import { createKafkaPublisher } from '../src/kafka-publisher.js';
import { migrate } from '../src/migrations.js';
import { enqueueEvent, OutboxRelay } from '../src/outbox.js';
import { createPgPool, withTransaction } from '../src/postgres.js';
import { testLogger, testSetting, uniqueName } from '../src/testing/index.js';

const outboxSql = `CREATE TABLE outbox (id uuid PRIMARY KEY, topic text NOT NULL, message_key text NOT NULL,
  envelope jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT clock_timestamp());`;

class MemoryPublisher implements EventPublisher {
  sent: OutgoingMessage[] = [];
  failing = false;
  async publish(messages: readonly OutgoingMessage[]) {
    if (this.failing) throw new Error('broker down');
    this.sent.push(...messages);
  }
  async close() {}
}

describe('the outbox and its relay', () => {
  const schema = uniqueName('kit_outbox');
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = createPgPool({
      url: testSetting('QUIRE_POSTGRES_URL'),
      schema,
      applicationName: 'kit-test',
      logger: testLogger(),
    });
    const client = await pool.connect();
    await migrate(client, schema, [{ version: 1, name: 'outbox', sql: outboxSql }]);
    client.release();
  });
  afterAll(async () => {
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool.end();
  });

  it('publishes only events whose transaction committed, in order, and removes them', async () => {
    const publisher = new MemoryPublisher();
    const relay = new OutboxRelay({ pool, publisher, logger: testLogger() });
    const event = (n: number) =>
      newEvent({ type: 'thing.happened', source: 'test', subject: 's1', data: { n } });
    await withTransaction(pool, async (c) => {
      await enqueueEvent(c, 't', event(1));
      await enqueueEvent(c, 't', event(2));
    });
    await expect(
      withTransaction(pool, async (c) => {
        await enqueueEvent(c, 't', event(3));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await relay.relayOnce()).toBe(2);
    expect(publisher.sent.map((m) => JSON.parse(m.value).data.n)).toEqual([1, 2]);
    expect(publisher.sent[0]).toMatchObject({
      topic: 't',
      key: 's1',
      headers: { 'quire-event-type': 'thing.happened' },
    });
    expect(await relay.relayOnce()).toBe(0);
  });

  it('keeps events when publishing fails, and publishes them once the broker is back', async () => {
    const publisher = new MemoryPublisher();
    publisher.failing = true;
    const relay = new OutboxRelay({ pool, publisher, logger: testLogger() });
    await enqueueEvent(pool, 't', newEvent({ type: 'x', source: 'test', subject: 's2', data: {} }));
    await expect(relay.relayOnce()).rejects.toThrow('broker down');
    publisher.failing = false;
    relay.start();
    await expect.poll(() => publisher.sent.length, { timeout: 3000 }).toBe(1);
    await relay.stop();
  });

  it('delivers events to Kafka with their trace context and type in the headers', async () => {
    const brokers = testSetting('QUIRE_KAFKA_BROKERS').split(',');
    const topic = `quire.test.${randomUUID()}`;
    const kafka = new Kafka({ clientId: 'kit-test', brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const publisher = createKafkaPublisher({ brokers, clientId: 'kit-test', logger: testLogger() });
    const consumer = kafka.consumer({ groupId: `kit-test-${randomUUID()}` });
    try {
      const event = {
        ...newEvent({ type: 'thing.happened', source: 'test', subject: 's3', data: { ok: true } }),
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      };
      await enqueueEvent(pool, topic, event);
      const relay = new OutboxRelay({ pool, publisher, logger: testLogger() });
      expect(await relay.relayOnce()).toBeGreaterThanOrEqual(1);
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = await new Promise<{ key: string; value: string; headers: Record<string, string> }>(
        (resolve) => {
          void consumer.run({
            eachMessage: async ({ message }) =>
              resolve({
                key: message.key?.toString() ?? '',
                value: message.value?.toString() ?? '',
                headers: Object.fromEntries(
                  Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
                ),
              }),
          });
        },
      );
      expect(received.key).toBe('s3');
      expect(JSON.parse(received.value)).toMatchObject({
        id: event.id,
        type: 'thing.happened',
        data: { ok: true },
      });
      expect(received.headers).toMatchObject({ traceparent: event.traceparent, 'quire-event-id': event.id });
    } finally {
      await consumer.disconnect();
      await publisher.close();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  }, 60_000);
});
