import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BackgroundConsumer, startConsumerInBackground } from '../src/background-consumer.js';
import { newEvent } from '../src/events.js';
import { type EventConsumer, startEventConsumer } from '../src/kafka-consumer.js';
import { createServiceApp } from '../src/service-app.js';
import {
  createTestTopics,
  produce,
  socketFactoryVia,
  TcpProxy,
  testLogger,
  testSetting,
} from '../src/testing/index.js';

const brokers = () => testSetting('QUIRE_KAFKA_BROKERS').split(',');
const run = randomBytes(4).toString('hex');
const topic = `quire.kit-test.background.${run}`;

/** Warnings the background consumer logs, as parsed JSON lines. */
function warningLog() {
  const lines: { msg: string; brokers?: string[]; attempt?: number; retryInMs?: number; err?: unknown }[] =
    [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { lines, logger };
}

/** A proxy in front of the broker; the consumer reaches every broker address through it. */
async function brokerProxy() {
  const [host, port] = (brokers()[0] ?? '').split(':');
  const proxy = await new TcpProxy({ host: host ?? '127.0.0.1', port: Number(port) }).start();
  return { proxy, address: `127.0.0.1:${proxy.port}` };
}

/** A service with one route that needs no Kafka, and the consumer's state in its readiness. */
function smallService() {
  return createServiceApp({
    service: 'kit-test',
    logger: testLogger(),
    environment: 'test',
    routes: (r) =>
      r.route(
        {
          method: 'get',
          path: '/v1/things',
          operationId: 'listThings',
          summary: 'List things',
          authenticated: false,
          responses: { 200: { description: 'The things' } },
        },
        async () => ({ status: 200, body: { items: [] } }),
      ),
  });
}

const background: BackgroundConsumer[] = [];
const proxies: TcpProxy[] = [];
let drop: () => Promise<void>;
beforeAll(async () => {
  drop = await createTestTopics(brokers(), [{ topic }]);
});
afterAll(async () => {
  for (const b of background) await b.stop().catch(() => undefined);
  for (const p of proxies) await p.cut();
  await drop?.();
});

describe('a consumer started in the background', () => {
  it('when Kafka cannot be reached at start, the service answers its API and reports the consumer not connected without becoming unready, and once Kafka is back it consumes an event without a restart', async () => {
    const { proxy, address } = await brokerProxy();
    proxies.push(proxy);
    await proxy.cut();
    const app = smallService();
    const { lines, logger } = warningLog();
    const handled: string[] = [];
    const groupId = `kit-test-background-${run}`;
    const consumer = startConsumerInBackground({
      brokers: [address],
      logger,
      backoff: { initialMs: 100, maxMs: 400 },
      start: () =>
        startEventConsumer({
          brokers: [address],
          socketFactory: socketFactoryVia({ port: proxy.port }),
          clientId: 'kit-test',
          groupId,
          topics: [topic],
          fromBeginning: true,
          logger: testLogger(),
          registry: app.metrics.registry,
          handle: async (e) => {
            handled.push(e.id);
          },
        }),
    });
    background.push(consumer);
    app.readiness.add('kafka consumer', consumer.check, { gating: false });

    await expect.poll(() => lines.length, { timeout: 60_000, interval: 100 }).toBeGreaterThanOrEqual(1);
    expect(lines[0]).toMatchObject({
      msg: 'Failed to start the Kafka consumer; retrying',
      brokers: [address],
      attempt: 1,
      retryInMs: expect.any(Number),
      err: { message: expect.any(String) },
    });
    expect(lines[0]?.retryInMs).toBeGreaterThanOrEqual(50);
    expect(lines[0]?.retryInMs).toBeLessThanOrEqual(100);
    // The reason in one line, no stack trace: the same failure repeats on every attempt.
    expect((lines[0]?.err as { stack?: string } | undefined)?.stack ?? '').toBe('');

    expect((await request(app.api).get('/v1/things')).status).toBe(200);
    expect((await request(app.ops).get('/livez')).status).toBe(200);
    const waiting = await request(app.ops).get('/readyz');
    expect(waiting.status).toBe(200);
    expect(waiting.body.ready).toBe(true);
    expect(waiting.body.checks['kafka consumer']).toMatch(
      new RegExp(`^degraded: not connected to ${address}: .+; retrying in the background$`),
    );
    expect((await request(app.ops).get('/metrics')).text).toMatch(
      new RegExp(`^kafka_consumer_connected\\{group="${groupId}"[^}]*\\} 0$`, 'm'),
    );
    expect(consumer.connected).toBe(false);

    await proxy.restore();
    const event = newEvent({ type: 'thing.happened', source: 'test', subject: 'x', data: {} });
    await produce(brokers(), topic, [event]);
    await consumer.joined;
    await expect.poll(() => handled, { timeout: 60_000, interval: 100 }).toContain(event.id);
    expect(consumer.connected).toBe(true);
    expect((await request(app.ops).get('/readyz')).body.checks['kafka consumer']).toBe('ok');
    expect((await request(app.ops).get('/metrics')).text).toMatch(
      new RegExp(`^kafka_consumer_connected\\{group="${groupId}"[^}]*\\} 1$`, 'm'),
    );
    // Each failed attempt was logged once, numbered in order.
    expect(lines.map((l) => l.attempt)).toEqual(lines.map((_, i) => i + 1));
  });

  it('when Kafka goes away after the group was joined, it reports the consumer rejoining, and consumes again once Kafka is back', async () => {
    const { proxy, address } = await brokerProxy();
    proxies.push(proxy);
    const handled: string[] = [];
    const consumer = startConsumerInBackground({
      brokers: [address],
      logger: testLogger(),
      start: () =>
        startEventConsumer({
          brokers: [address],
          socketFactory: socketFactoryVia({ port: proxy.port }),
          clientId: 'kit-test',
          groupId: `kit-test-background-outage-${run}`,
          topics: [topic],
          logger: testLogger(),
          handle: async (e) => {
            handled.push(e.id);
          },
        }),
    });
    background.push(consumer);
    await consumer.joined;
    await proxy.cut();
    // KafkaJS notices after its own fetch retries (about 10 s), then restarts the consumer by itself.
    await expect.poll(() => consumer.connected, { timeout: 60_000, interval: 100 }).toBe(false);
    await expect(consumer.check()).rejects.toThrow(`not connected to ${address}: rejoining its group`);
    await proxy.restore();
    await expect.poll(() => consumer.connected, { timeout: 60_000, interval: 100 }).toBe(true);
    const event = newEvent({ type: 'thing.happened', source: 'test', subject: 'y', data: {} });
    await produce(brokers(), topic, [event]);
    await expect.poll(() => handled, { timeout: 60_000, interval: 100 }).toContain(event.id);
  }, 200_000);

  it('when stopped while it waits to try again, it ends at once and tries no more', async () => {
    const { proxy, address } = await brokerProxy();
    proxies.push(proxy);
    await proxy.cut();
    const { lines, logger } = warningLog();
    let starts = 0;
    const consumer = startConsumerInBackground({
      brokers: [address],
      logger,
      backoff: { initialMs: 60_000, maxMs: 60_000 },
      start: () => {
        starts += 1;
        return startEventConsumer({
          brokers: [address],
          socketFactory: socketFactoryVia({ port: proxy.port }),
          clientId: 'kit-test',
          groupId: `kit-test-background-stop-${run}`,
          topics: [topic],
          logger: testLogger(),
          handle: async () => undefined,
        });
      },
    });
    background.push(consumer);
    await expect.poll(() => lines.length, { timeout: 60_000, interval: 100 }).toBe(1);
    const started = Date.now();
    await consumer.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    await proxy.restore();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(starts).toBe(1);
    expect(lines).toHaveLength(1);
  });

  it('when stopped while a start is in flight, it returns at once and the consumer that start brings up leaves its group', async () => {
    const { proxy, address } = await brokerProxy();
    proxies.push(proxy);
    await proxy.cut();
    const groupId = `kit-test-background-inflight-${run}`;
    const attempts: Promise<EventConsumer>[] = [];
    const consumer = startConsumerInBackground({
      brokers: [address],
      logger: testLogger(),
      start: () => {
        const attempt = startEventConsumer({
          brokers: [address],
          socketFactory: socketFactoryVia({ port: proxy.port }),
          clientId: 'kit-test',
          groupId,
          topics: [topic],
          logger: testLogger(),
          handle: async () => undefined,
        });
        attempts.push(attempt);
        return attempt;
      },
    });
    background.push(consumer);
    const started = Date.now();
    await consumer.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
    // KafkaJS is still retrying its connection when the broker comes back: that start succeeds.
    await proxy.restore();
    const inFlight = await attempts[0];
    expect(attempts).toHaveLength(1);
    await inFlight?.joined;
    const admin = new Kafka({
      clientId: 'kit-test-admin',
      brokers: brokers(),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const members = async () => (await admin.describeGroups([groupId])).groups[0]?.members.length;
      await expect.poll(members, { timeout: 30_000, interval: 200 }).toBe(0);
      expect(inFlight?.connected).toBe(false);
    } finally {
      await admin.disconnect();
    }
  });
});
