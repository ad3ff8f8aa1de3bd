/**
 * Idempotent consumers: Kafka delivers at least once (a consumer that dies before committing sees
 * its last events again), so each consuming service records the ids of the events it has applied in
 * a `processed_events` table, in the same transaction as the effect. A redelivered event finds its id
 * there and changes nothing; two replicas racing on one event (during a rebalance) serialise on the
 * primary key, and the second one sees the first one's commit.
 *
 * The table, in each consuming service's migrations:
 *   CREATE TABLE processed_events (consumer text NOT NULL, event_id text NOT NULL,
 *     processed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (consumer, event_id));
 */
import type pg from 'pg';
import { withTransaction } from './postgres.js';

/**
 * Claims an event on the caller's transaction: true when this is its first processing, false when
 * it was processed already (the caller then skips its effect; the transaction may still commit).
 */
export async function claimEvent(client: pg.ClientBase, consumer: string, eventId: string): Promise<boolean> {
  const { rowCount } = await client.query(
    'INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    [consumer, eventId],
  );
  return rowCount === 1;
}

/** True when the event was processed already (a cheap check before work done outside a transaction). */
export async function wasProcessed(
  db: pg.Pool | pg.ClientBase,
  consumer: string,
  eventId: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    'SELECT 1 FROM processed_events WHERE consumer = $1 AND event_id = $2',
    [consumer, eventId],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Applies `effect` once per event id: in one transaction, claims the id and runs the effect on the
 * same client. Returns `duplicate: true` (and runs nothing) when the id was processed already.
 */
export async function handleOnce<T>(
  pool: pg.Pool,
  consumer: string,
  eventId: string,
  effect: (client: pg.PoolClient) => Promise<T>,
): Promise<{ duplicate: true } | { duplicate: false; result: T }> {
  return withTransaction(pool, async (client) => {
    if (!(await claimEvent(client, consumer, eventId))) return { duplicate: true } as const;
    return { duplicate: false, result: await effect(client) } as const;
  });
}

/** Forgets ids older than the source topics' retention, after which they cannot be delivered again. */
export async function pruneProcessedEvents(pool: pg.Pool, olderThanDays: number): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM processed_events WHERE processed_at < now() - $1 * interval '1 day'`,
    [olderThanDays],
  );
  return rowCount ?? 0;
}
