/**
 * The audit log in PostgreSQL: appending an entry at the head of the chain (and a checkpoint when
 * one is due), and querying entries. Verifying the chain is in audit-verify.ts.
 *
 * Appends serialise on a transaction-scoped advisory lock per schema: two consumers (replicas, or
 * partitions handled in parallel) must not both read the same head and fork the chain. A lock row
 * updated on each append would serialise too, but the service's role may not UPDATE; the advisory
 * lock needs no privilege and is released by the commit that makes the new head visible.
 */
import { decodeCursor, encodeCursor } from '@quire/kit';
import type pg from 'pg';
import { z } from 'zod';
import { type AuditEntry, type EntryContent, genesisHash, hashOf } from './audit-chain.js';
import { type CheckpointSettings, defaultCheckpointSettings } from './checkpoint-policy.js';
import { checkpointIfDue } from './checkpoint-store.js';

/** A stored row of `audit_log`. */
export interface EntryRow {
  seq: string;
  event_id: string;
  occurred_at: Date;
  recorded_at: Date;
  source: string;
  action: string;
  actor: string | null;
  subject: string;
  data: unknown;
  prev_hash: string;
  hash: string;
}

export const columns =
  'seq, event_id, occurred_at, recorded_at, source, action, actor, subject, data, prev_hash, hash';

export const toEntry = (r: EntryRow): AuditEntry => ({
  seq: Number(r.seq),
  eventId: r.event_id,
  occurredAt: r.occurred_at.toISOString(),
  recordedAt: r.recorded_at.toISOString(),
  source: r.source,
  action: r.action,
  actor: r.actor,
  subject: r.subject,
  data: r.data,
  prevHash: r.prev_hash,
  hash: r.hash,
});

export interface EntryQuery {
  actor?: string | undefined;
  subject?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

const Position = z.object({ seq: z.number().int().positive() });

/** Takes the chain's lock for the rest of the caller's transaction: appends and checkpoints queue behind it. */
export async function lockChain(client: pg.ClientBase): Promise<void> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('quire.audit.chain.' || current_schema()))`);
}

/**
 * Appends an entry at the head, on the caller's transaction (which also claimed the event id), and
 * records a checkpoint at it when one is due.
 */
export async function appendEntry(
  client: pg.ClientBase,
  content: EntryContent,
  checkpoints: CheckpointSettings = defaultCheckpointSettings,
): Promise<AuditEntry> {
  await lockChain(client);
  const { rows } = await client.query<{ seq: string; hash: string }>(
    'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  const head = rows[0];
  const partial = {
    ...content,
    seq: head ? Number(head.seq) + 1 : 1,
    recordedAt: new Date().toISOString(),
    prevHash: head?.hash ?? genesisHash,
  };
  const entry: AuditEntry = { ...partial, hash: hashOf(partial) };
  await client.query(
    `INSERT INTO audit_log (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      entry.seq,
      entry.eventId,
      entry.occurredAt,
      entry.recordedAt,
      entry.source,
      entry.action,
      entry.actor,
      entry.subject,
      JSON.stringify(entry.data),
      entry.prevHash,
      entry.hash,
    ],
  );
  await checkpointIfDue(client, checkpoints, entry);
  return entry;
}

/** One page of entries matching every given filter, newest first. */
export async function queryEntries(
  pool: pg.Pool,
  q: EntryQuery,
): Promise<{ items: AuditEntry[]; nextCursor?: string }> {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    args.push(value);
    where.push(sql.replace('?', `$${args.length}`));
  };
  if (q.actor !== undefined) add('actor = ?', q.actor);
  if (q.subject !== undefined) add('subject = ?', q.subject);
  if (q.action !== undefined) add('action = ?', q.action);
  if (q.from !== undefined) add('occurred_at >= ?', q.from);
  if (q.to !== undefined) add('occurred_at < ?', q.to);
  if (q.cursor !== undefined) add('seq < ?', decodeCursor(q.cursor, Position).seq);
  args.push(q.limit + 1);
  const { rows } = await pool.query<EntryRow>(
    `SELECT ${columns} FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY seq DESC LIMIT $${args.length}`,
    args,
  );
  const items = rows.slice(0, q.limit).map(toEntry);
  const last = items.at(-1);
  return rows.length > q.limit && last ? { items, nextCursor: encodeCursor({ seq: last.seq }) } : { items };
}
