import { randomBytes } from 'node:crypto';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterHeaders } from '../src/dead-letter.js';
import { UnprocessableEventError } from '../src/event-envelope.js';
import { newEvent } from '../src/events.js';
import { type EventConsumer, startEventConsumer } from '../src/kafka-consumer.js';
import { createTestTopics, produce, readTopic, testLogger, testSetting } from '../src/testing/index.js';
import { startTracing } from '../src/tracing.js';

const brokers = () => testSetting('QUIRE_KAFKA_BROKERS').split(',');
const run = randomBytes(4).toString('hex');
const topic = (name: string) => `quire.kit-test.${name}.${run}`;
const event = (n: number, subject = 'same-key') =>
  newEvent({ type: 'thing.happened', source: 'test', subject, data: { n } });

async function until(predicate: () => boolean, timeoutMs = 20_000) {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('The condition did not hold in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const consumers: EventConsumer[] = [];
async function consume(
  name: string,
  topics: string[],
  handle: Parameters<typeof startEventConsumer>[0]['handle'],
  extra: Partial<Parameters<typeof startEventConsumer>[0]> = {},
) {
  const c = await startEventConsumer({
    brokers: brokers(),
    clientId: 'kit-test',
    groupId: `kit-test-${name}-${run}`,
    topics,
    fromBeginning: true,
    logger: testLogger(),
    retryDelayMs: { initial: 10, max: 50 },
    handle,
    ...extra,
  });
  consumers.push(c);
  await c.joined;
  return c;
}

let drop: () => Promise<void>;
const spans = new InMemorySpanExporter();
let sdk: { shutdown: () => Promise<void> };
beforeAll(async () => {
  sdk = startTracing({
    service: 'test',
    sampleRatio: 0,
    spanProcessors: [new SimpleSpanProcessor({ exporter: spans })],
  });
  drop = await createTestTopics(
    brokers(),
    ['poison', 'poison.dlq', 'garbage', 'trace', 'lag', 'stop'].map((t) => ({ topic: topic(t) })),
  );
});
afterAll(async () => {
  for (const c of consumers) await c.stop().catch(() => undefined);
  await drop?.();
  await sdk.shutdown();
  trace.disable();
  propagation.disable();
  context.disable();
});

describe('the event consumer', () => {
  it('dead-letters an event that keeps failing after its attempts, with the error, and handles the next one on the partition', async () => {
    const attempts = new Map<number, number>();
    const handled: number[] = [];
    await consume(
      'poison',
      [topic('poison')],
      async (e) => {
        const n = (e.data as { n: number }).n;
        attempts.set(n, (attempts.get(n) ?? 0) + 1);
        if (n === 1) throw new Error('the handler cannot cope with 1');
        handled.push(n);
      },
      { maxAttempts: 4, deadLetterTopic: topic('poison.dlq') },
    );
    await produce(brokers(), topic('poison'), [event(1), event(2)]);
    await until(() => handled.includes(2));
    expect(attempts.get(1)).toBe(4);
    const [letter] = await readTopic(brokers(), topic('poison.dlq'), 1);
    const h = (name: string) => letter?.headers?.[name]?.toString();
    expect(JSON.parse(letter?.value?.toString() ?? '{}').data).toEqual({ n: 1 });
    expect(letter?.key?.toString()).toBe('same-key');
    expect(h(deadLetterHeaders.error)).toBe('the handler cannot cope with 1');
    expect(h(deadLetterHeaders.sourceTopic)).toBe(topic('poison'));
    expect(h(deadLetterHeaders.sourceOffset)).toBe('0');
    expect(h(deadLetterHeaders.attempts)).toBe('4');
    expect(h('quire-event-type')).toBe('thing.happened');
  });

  it('dead-letters a message that is not an event, and an unprocessable one, at once without retrying', async () => {
    const seen: number[] = [];
    await consume(
      'garbage',
      [topic('garbage')],
      async (e) => {
        const n = (e.data as { n: number }).n;
        seen.push(n);
        if (n === 1) throw new UnprocessableEventError('n must not be 1');
      },
      { maxAttempts: 5, deadLetterTopic: topic('poison.dlq') },
    );
    await produce(brokers(), topic('garbage'), [{ value: 'not json at all' }, event(1), event(2)]);
    await until(() => seen.includes(2));
    expect(seen).toEqual([1, 2]);
    const letters = await readTopic(brokers(), topic('poison.dlq'), 3);
    const errors = letters.map((m) => m.headers?.[deadLetterHeaders.error]?.toString());
    expect(errors).toContain('The message is not an event envelope');
    expect(errors).toContain('n must not be 1');
  });

  it('handles an event in a consumer span that continues the trace it was published in', async () => {
    const traceId = randomBytes(16).toString('hex');
    const publisherSpan = randomBytes(8).toString('hex');
    const traceparent = `00-${traceId}-${publisherSpan}-01`;
    let seen: string | undefined;
    await consume('trace', [topic('trace')], async () => {
      seen = trace.getActiveSpan()?.spanContext().traceId;
    });
    await produce(brokers(), topic('trace'), [{ ...event(1), traceparent }]);
    await until(() => seen !== undefined);
    expect(seen).toBe(traceId);
    const finished = () => spans.getFinishedSpans().find((x) => x.spanContext().traceId === traceId);
    await until(() => finished() !== undefined);
    const span = finished();
    expect(span?.kind).toBe(SpanKind.CONSUMER);
    expect(span?.parentSpanContext?.spanId).toBe(publisherSpan);
    expect(span?.attributes['messaging.destination.name']).toBe(topic('trace'));
  });

  it('reports the lag of its partitions while it works through a backlog', async () => {
    const registry = new Registry();
    const lagSeen: number[] = [];
    const lagNow = async () =>
      (await registry.getSingleMetric('kafka_consumer_lag')?.get())?.values[0]?.value;
    await produce(
      brokers(),
      topic('lag'),
      [1, 2, 3, 4, 5].map((n) => event(n)),
    );
    await consume(
      'lag',
      [topic('lag')],
      async () => {
        lagSeen.push((await lagNow()) ?? -1);
      },
      { registry },
    );
    await until(() => lagSeen.length === 5);
    // Before event n is handled, the events after the one handled last are behind: 5, 4, 3, 2, 1.
    expect(lagSeen).toEqual([5, 4, 3, 2, 1]);
    expect(await lagNow()).toBe(0);
    const outcomes = await registry.getSingleMetric('kafka_consumer_events_total')?.get();
    expect(outcomes?.values.find((v) => v.labels.outcome === 'handled')?.value).toBe(5);
  });

  it('on stop finishes the event in flight, commits it, and leaves the rest to the next member of the group', async () => {
    await produce(
      brokers(),
      topic('stop'),
      [1, 2, 3].map((n) => event(n)),
    );
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const first: number[] = [];
    let inFlight = false;
    const a = await consume('stop', [topic('stop')], async (e) => {
      inFlight = true;
      await gate;
      first.push((e.data as { n: number }).n);
    });
    await until(() => inFlight);
    const stopping = a.stop();
    setTimeout(release, 300);
    await stopping;
    expect(first).toEqual([1]);
    const second: number[] = [];
    await consume('stop', [topic('stop')], async (e) => {
      second.push((e.data as { n: number }).n);
    });
    await until(() => second.length === 2);
    expect(second).toEqual([2, 3]);
  });
});
