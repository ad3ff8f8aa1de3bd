/**
 * Kafka for tests on the shared broker: topics of this run only (created and deleted with the admin
 * client), messages produced as they would be in production, and a reader that collects what a
 * topic holds, each in a consumer group of its own.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { type EventEnvelope, toMessage } from '../events.js';

const kafkaOf = (brokers: string[]) =>
  new Kafka({ clientId: `test-${randomUUID().slice(0, 8)}`, brokers, logLevel: logLevel.NOTHING });

/** Creates topics (with the given partition counts); the result deletes them. */
export async function createTestTopics(
  brokers: string[],
  topics: { topic: string; numPartitions?: number }[],
): Promise<() => Promise<void>> {
  const admin = kafkaOf(brokers).admin();
  await admin.connect();
  await admin.createTopics({
    topics: topics.map((t) => ({ topic: t.topic, numPartitions: t.numPartitions ?? 1 })),
    waitForLeaders: true,
  });
  return async () => {
    await admin.deleteTopics({ topics: topics.map((t) => t.topic) }).catch(() => undefined);
    await admin.disconnect();
  };
}

/** Publishes events as the outbox relay would (keyed by subject, trace context in headers), or raw messages. */
export async function produce(
  brokers: string[],
  topic: string,
  messages: (EventEnvelope | { key?: string; value: string | Buffer; headers?: Record<string, string> })[],
): Promise<void> {
  const producer = kafkaOf(brokers).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      messages: messages.map((m) => {
        if ('id' in m && 'type' in m) {
          const out = toMessage(topic, m as EventEnvelope);
          return { key: out.key, value: out.value, headers: out.headers };
        }
        return m as { key?: string; value: string | Buffer; headers?: Record<string, string> };
      }),
    });
  } finally {
    await producer.disconnect();
  }
}

/** Reads `topic` from its start until `count` messages arrived (or the timeout passed); returns them. */
export async function readTopic(
  brokers: string[],
  topic: string,
  count: number,
  timeoutMs = 20_000,
): Promise<KafkaMessage[]> {
  const consumer = kafkaOf(brokers).consumer({
    groupId: `test-reader-${randomUUID()}`,
    maxWaitTimeInMs: 100,
  });
  const got: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    void consumer.run({
      eachMessage: async ({ message }) => {
        got.push(message);
        if (got.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return got;
}
