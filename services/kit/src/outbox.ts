/**
 * The transactional outbox: events are written to the service's `outbox` table in the same
 * transaction as the change they describe, and a relay publishes them to Kafka afterwards, so an
 * event is published if and only if its change committed (at least once; consumers dedupe by id).
 *
 * The table, in each service's migrations:
 *   CREATE TABLE outbox (id uuid PRIMARY KEY, topic text NOT NULL, message_key text NOT NULL,
 *     envelope jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT clock_timestamp());
 */
import type pg from 'pg';
import type { Logger } from 'pino';
import type { EventEnvelope, EventPublisher } from './events.js';
import { toMessage } from './events.js';
import { withTransaction } from './postgres.js';

/** Writes an event to the outbox on the caller's client (inside its transaction). */
export async function enqueueEvent(
  client: pg.ClientBase | pg.Pool,
  topic: string,
  event: EventEnvelope,
): Promise<void> {
  await client.query('INSERT INTO outbox (id, topic, message_key, envelope) VALUES ($1, $2, $3, $4)', [
    event.id,
    topic,
    event.subject,
    event,
  ]);
}

/**
 * Moves events from the outbox to the publisher, oldest first, deleting them only after the broker
 * acknowledged them. One replica relays at a time (a transaction-scoped advisory lock), because two
 * replicas publishing neighbouring batches could reorder the events of one key.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeIdle: (() => void) | undefined;
  private stopNow: (() => void) | undefined;
  /** Set by a wake during a batch: the commit may have missed it, so the next pause is skipped. */
  private woken = false;

  constructor(
    private readonly options: {
      pool: pg.Pool;
      publisher: EventPublisher;
      logger: Logger;
      batchSize?: number;
      /** Pause between polls when the outbox is empty (default 100 ms); `wake` cuts it short. */
      idleDelayMs?: number;
      /** Longest pause after failures, which double from 1 s (default 30 s). */
      maxBackoffMs?: number;
    },
  ) {}

  /** Publishes one batch and deletes it; returns how many events were published. */
  async relayOnce(): Promise<number> {
    return withTransaction(this.options.pool, async (client) => {
      const { rows: lock } = await client.query<{ ok: boolean }>(
        `SELECT pg_try_advisory_xact_lock(hashtext('quire.outbox.' || current_schema())) AS ok`,
      );
      if (!lock[0]?.ok) return 0;
      const { rows } = await client.query<{ id: string; topic: string; envelope: EventEnvelope }>(
        `SELECT id, topic, envelope FROM outbox ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize ?? 100],
      );
      if (rows.length === 0) return 0;
      await this.options.publisher.publish(rows.map((r) => toMessage(r.topic, r.envelope)));
      await client.query('DELETE FROM outbox WHERE id = ANY($1::uuid[])', [rows.map((r) => r.id)]);
      return rows.length;
    });
  }

  /**
   * Ends an idle pause now, so events committed a moment ago go out at once (see OutboxListener).
   * A pause after failures is left alone: commits must not hammer a broker that is down.
   */
  wake(): void {
    this.woken = true;
    this.wakeIdle?.();
  }

  /** Starts relaying in the background until `stop`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const idle = this.options.idleDelayMs ?? 100;
    const full = this.options.batchSize ?? 100;
    this.loop = (async () => {
      let failures = 0;
      while (this.running) {
        let delay = idle;
        this.woken = false;
        try {
          const n = await this.relayOnce();
          failures = 0;
          if (n >= full) delay = 0;
        } catch (err) {
          failures += 1;
          delay = Math.min(this.options.maxBackoffMs ?? 30_000, 500 * 2 ** Math.min(failures, 6));
          this.options.logger.warn(
            { err: { message: (err as Error).message }, failures },
            'Failed to relay events',
          );
        }
        if (delay > 0 && this.running && !(this.woken && failures === 0)) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, delay);
            const wakeUp = () => {
              clearTimeout(t);
              resolve();
            };
            this.stopNow = wakeUp;
            this.wakeIdle = failures === 0 ? wakeUp : undefined;
          });
          this.wakeIdle = undefined;
        }
      }
    })();
  }

  /** Stops after the batch in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopNow?.();
    await this.loop;
  }
}
