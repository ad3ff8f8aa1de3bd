/**
 * The audit log in PostgreSQL: appending an entry at the head of the chain, querying entries, and
 * walking the chain to verify it.
 *
 * Appends serialise on a transaction-scoped advisory lock per schema: two consumers (replicas, or
 * partitions handled in parallel) must not both read the same head and fork the chain. A lock row
 * updated on each append would serialise too, but the service's role may not UPDATE; the advisory
 * lock needs no privilege and is released by the commit that makes the new head visible.
 */
import { decodeCursor, encodeCursor } from '@quire/kit';
import type pg from 'pg';
import { z } from 'zod';
import {
  type AuditEntry,
  type BrokenReason,
  checkLink,
  type EntryContent,
  genesisHash,
  hashOf,
} from './audit-chain.js';

interface EntryRow {
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

const columns =
  'seq, event_id, occurred_at, recorded_at, source, action, actor, subject, data, prev_hash, hash';

const toEntry = (r: EntryRow): AuditEntry => ({
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

/** The outcome of walking the chain. */
export interface Verification {
  valid: boolean;
  /** Entries checked (up to and including the first broken one). */
  checked: number;
  head?: { seq: number; hash: string };
  firstBroken?: { seq: number; eventId: string; reason: BrokenReason };
}

const Position = z.object({ seq: z.number().int().positive() });

/** Appends an entry at the head, on the caller's transaction (which also claimed the event id). */
export async function appendEntry(client: pg.ClientBase, content: EntryContent): Promise<AuditEntry> {
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('quire.audit.chain.' || current_schema()))`);
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

/** Walks the whole chain in order, a batch at a time (memory stays flat), stopping at the first broken link. */
export async function verifyChain(pool: pg.Pool, batchSize = 1_000): Promise<Verification> {
  let previous: AuditEntry | undefined;
  let checked = 0;
  for (;;) {
    const { rows } = await pool.query<EntryRow>(
      `SELECT ${columns} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [previous?.seq ?? 0, batchSize],
    );
    for (const row of rows) {
      const entry = toEntry(row);
      checked += 1;
      const reason = checkLink(entry, previous);
      if (reason) {
        return { valid: false, checked, firstBroken: { seq: entry.seq, eventId: entry.eventId, reason } };
      }
      previous = entry;
    }
    if (rows.length < batchSize) break;
  }
  return { valid: true, checked, ...(previous ? { head: { seq: previous.seq, hash: previous.hash } } : {}) };
}
