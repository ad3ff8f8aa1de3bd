/**
 * Consuming domain events: one KafkaJS consumer group, events handled one at a time per partition
 * (so one key's events are handled in order), each in a consumer span continuing the trace context
 * it was published in.
 *
 * Offsets are committed by hand, only after an event's work is done (auto-commit is off): at the end
 * of each batch and at least every `commitIntervalMs` within one, so a consumer killed mid-batch sees
 * at most that last stretch again, which its idempotent handler (see processed-events.ts) ignores.
 * A failing event is retried with jittered exponential backoff, heartbeating meanwhile; after
 * `maxAttempts` (or at once for an `UnprocessableEventError`, or a message that is not an event) it
 * is copied to the dead-letter topic with the error, and the partition moves on. `stop` lets the event
 * in flight finish, commits, and leaves the group, so its partitions move to the other members at once.
 *
 * Starting rejects when Kafka cannot be reached (after KafkaJS's own quick retries) or the topics
 * cannot be subscribed, closing what it opened; `startConsumerInBackground` (background-consumer.ts)
 * keeps trying so a service serves meanwhile. Once joined, KafkaJS rejoins by itself after a broker
 * goes away; `connected` and the `kafka_consumer_connected` gauge follow.
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type EachBatchPayload, Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { Registry } from 'prom-client';
import { createConsumerMetrics } from './consumer-metrics.js';
import { DeadLetterPublisher } from './dead-letter.js';
import { parseEnvelope, UnprocessableEventError } from './event-envelope.js';
import { explainKafkaAccessError, kafkaJsAccess } from './kafka-access.js';
import type { EventConsumer, EventConsumerOptions, EventOrigin } from './kafka-consumer-options.js';
import { extractTraceContext, tracer } from './tracing.js';

export type { EventConsumer, EventConsumerOptions, EventOrigin } from './kafka-consumer-options.js';

const headersOf = (m: KafkaMessage): Record<string, string> =>
  Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)]));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Joins the group and handles every event of `topics` until `stop`. */
export async function startEventConsumer(options: EventConsumerOptions): Promise<EventConsumer> {
  const { logger, groupId } = options;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    ...kafkaJsAccess(options.access),
    connectionTimeout: 3_000,
    logLevel: logLevel.NOTHING,
    ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
  });
  const consumer = kafka.consumer({
    groupId,
    maxWaitTimeInMs: 500,
    ...(options.sessionTimeoutMs ? { sessionTimeout: options.sessionTimeoutMs } : {}),
  });
  const metrics = createConsumerMetrics(options.registry ?? new Registry(), groupId);
  const dlq = options.deadLetterTopic
    ? new DeadLetterPublisher({
        brokers: options.brokers,
        ...(options.access ? { access: options.access } : {}),
        clientId: options.clientId,
        topic: options.deadLetterTopic,
        ...(options.socketFactory ? { socketFactory: options.socketFactory } : {}),
      })
    : undefined;
  const maxAttempts = options.maxAttempts ?? 10;
  const initialDelay = options.retryDelayMs?.initial ?? 100;
  const maxDelay = options.retryDelayMs?.max ?? 5_000;
  const commitInterval = options.commitIntervalMs ?? 1_000;
  let running = true;
  let connected = false;
  const setConnected = (value: boolean) => {
    connected = value;
    metrics.connected(value);
  };
  setConnected(false);
  const joined = new Promise<void>((resolve) => {
    consumer.on(consumer.events.GROUP_JOIN, () => {
      setConnected(true);
      resolve();
    });
  });
  // A crash is followed by KafkaJS's own restart (and a new GROUP_JOIN) when the error is retriable.
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    setConnected(false);
    if (running && !payload.restart)
      logger.error(
        { err: { message: payload.error.message }, groupId },
        'The consumer crashed and will not restart',
      );
  });
  consumer.on(consumer.events.DISCONNECT, () => setConnected(false));

  /** Hands a message over to the dead-letter topic; retries the broker until it takes it or we stop. */
  async function giveUp(p: EachBatchPayload, message: KafkaMessage, attempts: number, err: unknown) {
    const { topic, partition } = p.batch;
    const event = parseEnvelope(message.value);
    const origin = { topic, partition, offset: message.offset, key: message.key?.toString() };
    logger.error({ err, ...origin, eventId: event?.id, type: event?.type, attempts }, 'Gave up on an event');
    for (let tries = 1; ; tries += 1) {
      try {
        await dlq?.publish({ topic, partition, message, group: groupId, attempts, error: err });
        if (event)
          await options.deadLetter?.(
            event,
            { ...origin, headers: headersOf(message), attempt: attempts },
            err,
          );
        metrics.outcome(topic, 'dead_lettered');
        return true;
      } catch (dlqErr) {
        logger.warn(
          { err: { message: (dlqErr as Error).message }, ...origin },
          'Failed to dead-letter an event',
        );
        if (!running) return false;
        await sleep(Math.min(maxDelay, initialDelay * 2 ** tries));
        await p.heartbeat();
      }
    }
  }

  /** Handles one message to its end: handled or dead-lettered (true), or abandoned because we stop (false). */
  async function handleMessage(p: EachBatchPayload, message: KafkaMessage): Promise<boolean> {
    const { topic, partition } = p.batch;
    const started = performance.now();
    const event = parseEnvelope(message.value);
    if (!event)
      return giveUp(p, message, 0, new UnprocessableEventError('The message is not an event envelope'));
    const headers = headersOf(message);
    const parent = extractTraceContext(headers);
    const span = tracer().startSpan(
      `${topic} process`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'process',
          'messaging.destination.name': topic,
          'messaging.destination.partition.id': String(partition),
          'messaging.kafka.offset': Number(message.offset),
          'messaging.consumer.group.name': groupId,
          'messaging.message.id': event.id,
        },
      },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    let rebalance: unknown;
    try {
      for (let attempt = 1; ; attempt += 1) {
        // A long handler (an export) must keep the membership alive; a rebalance noticed here ends the batch.
        const keepAlive = setInterval(() => p.heartbeat().catch((e: unknown) => (rebalance ??= e)), 3_000);
        const origin: EventOrigin = {
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString(),
          headers,
          attempt,
        };
        let done: boolean | undefined;
        try {
          await context.with(ctx, () => options.handle(event, origin));
          metrics.outcome(topic, 'handled');
          done = true;
        } catch (err) {
          metrics.outcome(topic, 'failed_attempt');
          span.recordException(err as Error);
          if (err instanceof UnprocessableEventError || attempt >= maxAttempts) {
            span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
            done = await giveUp(p, message, attempt, err);
          } else {
            logger.warn(
              { err: { message: (err as Error).message }, topic, partition, offset: message.offset, attempt },
              'Failed to handle an event; retrying',
            );
            if (!running) done = false;
          }
        } finally {
          clearInterval(keepAlive);
        }
        // The partition may belong to another member now: leave the batch uncommitted past this point.
        if (rebalance) throw rebalance;
        if (done !== undefined) return done;
        const backoff = Math.min(maxDelay, initialDelay * 2 ** (attempt - 1));
        await sleep(backoff * (0.5 + Math.random()));
        await p.heartbeat();
      }
    } finally {
      span.end();
      metrics.duration(topic, (performance.now() - started) / 1000);
    }
  }

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? false });
  } catch (err) {
    // A failed start leaves no connection behind: the caller may start again many times.
    running = false;
    await consumer.disconnect().catch(() => undefined);
    await dlq?.close().catch(() => undefined);
    // A refused login or an untrusted certificate named no setting (KafkaJS's words only): add which.
    throw explainKafkaAccessError(err);
  }
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
    eachBatch: async (p) => {
      const { batch } = p;
      let lastCommit = Date.now();
      const commit = async () => {
        await p.commitOffsetsIfNecessary(p.uncommittedOffsets());
        lastCommit = Date.now();
      };
      const first = batch.messages[0];
      if (first)
        metrics.lag(batch.topic, batch.partition, batch.highWatermark, String(BigInt(first.offset) - 1n));
      try {
        for (const message of batch.messages) {
          if (!running || !p.isRunning() || p.isStale()) break;
          if (!(await handleMessage(p, message))) break;
          p.resolveOffset(message.offset);
          metrics.lag(batch.topic, batch.partition, batch.highWatermark, message.offset);
          if (Date.now() - lastCommit >= commitInterval) await commit();
        }
      } finally {
        // What was handled is committed even when the batch ends early (stop, rebalance, error).
        await commit().catch((err: unknown) =>
          logger.warn({ err: { message: (err as Error).message } }, 'Failed to commit offsets'),
        );
      }
    },
  });
  return {
    joined,
    get connected() {
      return connected;
    },
    async stop() {
      running = false;
      await consumer.disconnect();
      setConnected(false);
      await dlq?.close();
    },
  };
}
