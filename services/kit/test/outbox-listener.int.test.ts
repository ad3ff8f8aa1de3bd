import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventPublisher, newEvent, type OutgoingMessage } from '../src/events.js';
import { migrate } from '../src/migrations.js';
import { enqueueEvent, OutboxRelay } from '../src/outbox.js';
import { OutboxListener } from '../src/outbox-listener.js';
import { createPgPool, withTransaction } from '../src/postgres.js';
import { TcpProxy, testLogger, testSetting, uniqueName } from '../src/testing/index.js';

const outboxSql = `CREATE TABLE outbox (id uuid PRIMARY KEY, topic text NOT NULL, message_key text NOT NULL,
  envelope jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM pg_notify('quire_outbox', TG_TABLE_SCHEMA); RETURN NULL; END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();`;

/** Records what it publishes, taking `delayMs` per batch, and the most batches it saw in flight at once. */
class SlowPublisher implements EventPublisher {
  sent: OutgoingMessage[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(private readonly delayMs = 0) {}
  async publish(messages: readonly OutgoingMessage[]) {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, this.delayMs));
    this.sent.push(...messages);
    this.inFlight -= 1;
  }
  async close() {}
}

const event = (subject: string, n: number) =>
  newEvent({ type: 'thing.changed', source: 'test', subject, data: { n } });

describe('waking the outbox relay on commit', () => {
  const schema = uniqueName('kit_outbox_notify');
  const url = testSetting('QUIRE_POSTGRES_URL');
  const logger = testLogger();
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = createPgPool({ url, schema, applicationName: 'kit-test', logger });
    const client = await pool.connect();
    await migrate(client, schema, [{ version: 1, name: 'outbox', sql: outboxSql }]);
    client.release();
  });
  afterAll(async () => {
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool.end();
  });

  async function relayWithListener(publisher: EventPublisher, listenerUrl = url) {
    const relay = new OutboxRelay({ pool, publisher, logger, idleDelayMs: 60_000 });
    const listener = new OutboxListener({
      url: listenerUrl,
      schema,
      onCommit: () => relay.wake(),
      logger,
      reconnectDelayMs: 200,
    });
    relay.start();
    await listener.start();
    await new Promise((r) => setTimeout(r, 300)); // past the first, empty batch: the relay now sleeps a minute
    return { relay, listener, stop: async () => Promise.all([listener.stop(), relay.stop()]) };
  }

  it('when a transaction that wrote events commits, an idle relay publishes them at once; a rolled-back one wakes nothing', async () => {
    const publisher = new SlowPublisher();
    const r = await relayWithListener(publisher);
    try {
      await expect(
        withTransaction(pool, async (c) => {
          await enqueueEvent(c, 't', event('a', 0));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow();
      const started = Date.now();
      await withTransaction(pool, (c) => enqueueEvent(c, 't', event('a', 1)));
      await expect.poll(() => publisher.sent.length, { timeout: 2_000, interval: 10 }).toBe(1);
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      await r.stop();
    }
  });

  it('when the listening connection is lost, it reconnects and commits wake the relay again', async () => {
    const target = new URL(url);
    const proxy = await new TcpProxy({ host: target.hostname, port: Number(target.port) }).start();
    target.port = String(proxy.port);
    const publisher = new SlowPublisher();
    const r = await relayWithListener(publisher, target.toString());
    try {
      await proxy.cut();
      await proxy.restore();
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // the listener reconnects
      await withTransaction(pool, (c) => enqueueEvent(c, 't', event('b', 1)));
      await expect.poll(() => publisher.sent.length, { timeout: 2_000, interval: 10 }).toBe(1);
    } finally {
      await r.stop();
      await proxy.cut();
    }
  });

  it('two relays on one outbox never publish at the same time, so the events of a key keep their order', async () => {
    for (let n = 0; n < 30; n++) await enqueueEvent(pool, 't', event('k', n));
    const publisher = new SlowPublisher(50);
    const relays = [1, 2].map(() => new OutboxRelay({ pool, publisher, logger, batchSize: 5 }));
    for (let round = 0; round < 6; round++) await Promise.all(relays.map((r) => r.relayOnce()));
    await expect
      .poll(async () => (await pool.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n)
      .toBe(0);
    expect(publisher.maxInFlight).toBe(1);
    expect(publisher.sent.map((m) => JSON.parse(m.value).data.n)).toEqual([...Array(30).keys()]);
  });
});
