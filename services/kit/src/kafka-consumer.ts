/**
 * Consuming domain events: one KafkaJS consumer group, events handled one at a time per partition
 * (so one key's events are handled in order), each in the trace context it was published in. An
 * offset is committed only after its event was handled; a failing event is retried with backoff,
 * and after `maxAttempts` handed to `deadLetter` (or logged) so one bad event cannot stall a partition.
 */
import { context } from '@opentelemetry/api';
import { type ISocketFactory, Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import type { Logger } from 'pino';
import type { EventEnvelope } from './events.js';
import { extractTraceContext } from './tracing.js';

/** Where an event came from. */
export interface EventOrigin {
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
}

export interface EventConsumer {
  /** Resolves once the consumer has joined its group and been assigned partitions. */
  readonly joined: Promise<void>;
  stop(): Promise<void>;
}

/** Parses a message value as an event envelope; undefined when it is not one. */
export function parseEnvelope(value: Buffer | null): EventEnvelope | undefined {
  if (!value) return undefined;
  try {
    const e = JSON.parse(value.toString('utf8')) as Partial<EventEnvelope>;
    const ok =
      typeof e.id === 'string' &&
      typeof e.type === 'string' &&
      typeof e.subject === 'string' &&
      typeof e.schemaVersion === 'number';
    return ok ? (e as EventEnvelope) : undefined;
  } catch {
    return undefined;
  }
}

const headersOf = (m: KafkaMessage): Record<string, string> =>
  Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]));

/** Joins the group and handles every event of `topics` until `stop`. */
export async function startEventConsumer(options: {
  brokers: string[];
  clientId: string;
  groupId: string;
  topics: string[];
  logger: Logger;
  handle: (event: EventEnvelope, origin: EventOrigin) => Promise<void>;
  /** Read a topic from its start when the group has no committed offset (default: only new events). */
  fromBeginning?: boolean;
  /** Attempts per event before giving up on it (default 10). */
  maxAttempts?: number;
  /** Receives an event given up on (a dead-letter topic); without it the event is logged and skipped. */
  deadLetter?: (event: EventEnvelope, origin: EventOrigin, err: unknown) => Promise<void>;
  socketFactory?: ISocketFactory;
}): Promise<EventConsumer> {
  const { logger } = options;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 3_000,
    logLevel: logLevel.NOTHING,
    ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
  });
  const consumer = kafka.consumer({ groupId: options.groupId, maxWaitTimeInMs: 500 });
  let running = true;
  const joined = new Promise<void>((resolve) => {
    consumer.on(consumer.events.GROUP_JOIN, () => resolve());
  });
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? false });
  const maxAttempts = options.maxAttempts ?? 10;
  await consumer.run({
    eachMessage: async ({ topic, partition, message, heartbeat }) => {
      const origin: EventOrigin = { topic, partition, offset: message.offset, key: message.key?.toString() };
      const event = parseEnvelope(message.value);
      if (!event) {
        logger.warn(origin, 'Skipped a message that is not an event');
        return;
      }
      const ctx = extractTraceContext(headersOf(message));
      for (let attempt = 1; running; attempt += 1) {
        try {
          await context.with(ctx, () => options.handle(event, origin));
          return;
        } catch (err) {
          if (attempt >= maxAttempts) {
            logger.error({ err, ...origin, eventId: event.id, type: event.type }, 'Gave up on an event');
            await options.deadLetter?.(event, origin, err);
            return;
          }
          logger.warn(
            { err: { message: (err as Error).message }, ...origin, attempt },
            'Failed to handle an event; retrying',
          );
          await new Promise((r) => setTimeout(r, Math.min(5_000, 100 * 2 ** attempt)));
          await heartbeat();
        }
      }
      // Stopping mid-retry: throwing keeps the offset uncommitted, so the event is handled again later.
      throw new Error('The consumer stopped before the event was handled');
    },
  });
  return {
    joined,
    async stop() {
      running = false;
      await consumer.disconnect();
    },
  };
}
