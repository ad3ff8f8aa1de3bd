/** The KafkaJS implementation of EventPublisher: one producer, batches grouped by topic, acks from all replicas. */
import { type ISocketFactory, Kafka, logLevel, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { EventPublisher, OutgoingMessage } from './events.js';
import { explainKafkaAccessError, type KafkaAccess, kafkaJsAccess } from './kafka-access.js';

/** Creates a publisher that connects on first use. */
export function createKafkaPublisher(options: {
  brokers: string[];
  /** TLS and the SASL login (the `access` of the kit's Kafka config); none for plain TCP. */
  access?: KafkaAccess;
  clientId: string;
  logger: Logger;
  /** Opens broker connections; tests route them through a proxy they can cut. */
  socketFactory?: ISocketFactory;
}): EventPublisher {
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...kafkaJsAccess(options.access),
    ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { retries: 3 },
    logLevel: logLevel.NOTHING,
  });
  let producer: Producer | undefined;
  let connecting: Promise<Producer> | undefined;
  const ready = () => {
    connecting ??= (async () => {
      const p = kafka.producer({ allowAutoTopicCreation: false });
      try {
        await p.connect();
      } catch (err) {
        connecting = undefined;
        throw explainKafkaAccessError(err);
      }
      producer = p;
      return p;
    })();
    return connecting;
  };
  return {
    async publish(messages: readonly OutgoingMessage[]) {
      if (messages.length === 0) return;
      const p = await ready();
      const byTopic = new Map<string, OutgoingMessage[]>();
      for (const m of messages) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m]);
      await p.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, ms]) => ({
          topic,
          messages: ms.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
        })),
      });
    },
    async close() {
      await producer?.disconnect();
      producer = undefined;
      connecting = undefined;
    },
  };
}
