/** Kafka for the Document tests: this run's topics, and a consumer that records what it receives. */
import { randomUUID } from 'node:crypto';
import { type EventEnvelope, parseEnvelope } from '@quire/kit';
import { testSetting } from '@quire/kit/testing';
import { Kafka, logLevel } from 'kafkajs';

export const brokers = () => testSetting('QUIRE_KAFKA_BROKERS').split(',');

/** Creates topics with the partition counts production uses (document events: 12). */
export async function createTopics(
  topics: { topic: string; numPartitions: number }[],
): Promise<() => Promise<void>> {
  const admin = new Kafka({
    clientId: 'document-test',
    brokers: brokers(),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  await admin.createTopics({ topics, waitForLeaders: true });
  return async () => {
    await admin.deleteTopics({ topics: topics.map((t) => t.topic) }).catch(() => undefined);
    await admin.disconnect();
  };
}

export interface Received {
  event: EventEnvelope<{ version?: number }>;
  at: number;
  partition: number;
}

/** A consumer in a group of its own, reading `topic` from the start and keeping every message. */
export async function recordTopic(topic: string) {
  const kafka = new Kafka({ clientId: 'document-test', brokers: brokers(), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `document-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const received: Received[] = [];
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message, partition }) => {
      const event = parseEnvelope(message.value);
      if (event) received.push({ event: event as Received['event'], at: Date.now(), partition });
    },
  });
  await joined;
  return {
    received,
    /** The events deduplicated by id, in the order they first arrived. */
    unique(): Received[] {
      const seen = new Set<string>();
      return received.filter((r) => !seen.has(r.event.id) && seen.add(r.event.id));
    },
    stop: () => consumer.disconnect(),
  };
}
