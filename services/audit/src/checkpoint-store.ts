/**
 * Checkpoints in PostgreSQL: recording one when it is due, with its event in the outbox in the same
 * transaction (so it is published if and only if it was recorded), and reading them back to verify.
 * Callers hold the chain's lock (`lockChain`), so two replicas never record the same checkpoint.
 */
import { enqueueEvent } from '@quire/kit';
import type pg from 'pg';
import {
  type Checkpoint,
  type CheckpointSettings,
  checkpointDue,
  checkpointEvent,
} from './checkpoint-policy.js';

/**
 * Records a checkpoint at the head when one is due, on the caller's transaction; returns it, or
 * undefined when none was due. `head` saves a query when the caller has just appended it.
 */
export async function checkpointIfDue(
  client: pg.ClientBase,
  settings: CheckpointSettings,
  head?: { seq: number; hash: string },
  now = new Date(),
): Promise<Checkpoint | undefined> {
  const top =
    head ??
    (
      await client.query<{ seq: string; hash: string }>(
        'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
      )
    ).rows.map((r) => ({ seq: Number(r.seq), hash: r.hash }))[0];
  if (!top) return undefined;
  // The last checkpoint and when the first entry after it was recorded: one probe of each primary key.
  const { rows } = await client.query<{ last_seq: string; oldest: Date | null }>(
    `WITH last AS (SELECT coalesce(max(seq), 0) AS seq FROM audit_checkpoints)
     SELECT last.seq AS last_seq, l.recorded_at AS oldest FROM last LEFT JOIN audit_log l ON l.seq = last.seq + 1`,
  );
  const lastSeq = Number(rows[0]?.last_seq ?? 0);
  const oldestUncovered = rows[0]?.oldest ?? undefined;
  if (!checkpointDue({ headSeq: top.seq, lastSeq, oldestUncovered, now, settings })) return undefined;
  const checkpoint: Checkpoint = { seq: top.seq, hash: top.hash, at: now.toISOString() };
  await client.query('INSERT INTO audit_checkpoints (seq, hash, at) VALUES ($1, $2, $3)', [
    checkpoint.seq,
    checkpoint.hash,
    checkpoint.at,
  ]);
  await enqueueEvent(client, settings.topic, checkpointEvent(checkpoint));
  return checkpoint;
}

/** Every stored checkpoint, oldest first, with the hash of the entry now at its seq (undefined when there is none). */
export async function readCheckpoints(
  client: pg.ClientBase | pg.Pool,
): Promise<Array<{ checkpoint: Checkpoint; entryHash: string | undefined }>> {
  const { rows } = await client.query<{ seq: string; hash: string; at: Date; entry_hash: string | null }>(
    `SELECT c.seq, c.hash, c.at, l.hash AS entry_hash
       FROM audit_checkpoints c LEFT JOIN audit_log l ON l.seq = c.seq ORDER BY c.seq`,
  );
  return rows.map((r) => ({
    checkpoint: { seq: Number(r.seq), hash: r.hash, at: r.at.toISOString() },
    entryHash: r.entry_hash ?? undefined,
  }));
}
