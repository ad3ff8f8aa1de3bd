/**
 * Dead letters: a message a consumer gave up on is copied, byte for byte with its key and headers,
 * to the consumer's dead-letter topic (`quire.<service>.dead-letter`), with why and where from in
 * `quire-*` headers, so it can be inspected and replayed to its source topic as it was.
 */
import { type ISocketFactory, Kafka, type KafkaMessage, logLevel, type Producer } from 'kafkajs';
import { type KafkaAccess, kafkaJsAccess } from './kafka-access.js';

/** The headers a dead letter carries besides the original ones. */
export const deadLetterHeaders = {
  error: 'quire-error',
  errorName: 'quire-error-name',
  sourceTopic: 'quire-source-topic',
  sourcePartition: 'quire-source-partition',
  sourceOffset: 'quire-source-offset',
  group: 'quire-consumer-group',
  attempts: 'quire-attempts',
  failedAt: 'quire-failed-at',
} as const;

/** Where a dead letter came from and why it was given up on. */
export interface DeadLetterCause {
  topic: string;
  partition: number;
  message: KafkaMessage;
  group: string;
  attempts: number;
  error: unknown;
}

/** Copies given-up messages to one topic; connects on first use. */
export class DeadLetterPublisher {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;

  constructor(
    private readonly options: {
      brokers: string[];
      access?: KafkaAccess;
      clientId: string;
      topic: string;
      socketFactory?: ISocketFactory;
    },
  ) {}

  private ready(): Promise<Producer> {
    this.connecting ??= (async () => {
      const kafka = new Kafka({
        clientId: this.options.clientId,
        brokers: this.options.brokers,
        ...kafkaJsAccess(this.options.access),
        connectionTimeout: 3_000,
        logLevel: logLevel.NOTHING,
        ...(this.options.socketFactory ? { socketFactory: this.options.socketFactory } : {}),
      });
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      try {
        await producer.connect();
      } catch (err) {
        this.connecting = undefined;
        throw err;
      }
      this.producer = producer;
      return producer;
    })();
    return this.connecting;
  }

  /** Publishes the dead letter, acknowledged by all in-sync replicas; throws when the broker did not take it. */
  async publish(cause: DeadLetterCause): Promise<void> {
    const { message, error } = cause;
    const headers: Record<string, string | Buffer> = {};
    for (const [k, v] of Object.entries(message.headers ?? {})) {
      if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : (v as string | Buffer);
    }
    const text = error instanceof Error ? error.message : String(error);
    headers[deadLetterHeaders.error] = text.slice(0, 2_000);
    headers[deadLetterHeaders.errorName] = error instanceof Error ? error.name : typeof error;
    headers[deadLetterHeaders.sourceTopic] = cause.topic;
    headers[deadLetterHeaders.sourcePartition] = String(cause.partition);
    headers[deadLetterHeaders.sourceOffset] = message.offset;
    headers[deadLetterHeaders.group] = cause.group;
    headers[deadLetterHeaders.attempts] = String(cause.attempts);
    headers[deadLetterHeaders.failedAt] = new Date().toISOString();
    const producer = await this.ready();
    await producer.send({
      topic: this.options.topic,
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers }],
    });
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = undefined;
    this.connecting = undefined;
  }
}
