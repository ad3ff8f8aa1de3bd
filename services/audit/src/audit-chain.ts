/**
 * The hash chain: what an audit entry is, how one is made from a platform event, and its hash. Each
 * entry's hash covers its content and the previous entry's hash, so changing any stored field of any
 * entry, or removing one, no longer matches from that entry on.
 */
import { createHash } from 'node:crypto';
import { type EventEnvelope, UnprocessableEventError } from '@quire/kit';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';

/** The `prev_hash` of the first entry. */
export const genesisHash = '0'.repeat(64);

/** What an entry records about its event, before it takes its place in the chain. */
export interface EntryContent {
  eventId: string;
  /** ISO 8601 with milliseconds, as PostgreSQL gives it back. */
  occurredAt: string;
  source: string;
  action: string;
  /** Who did it, when the event says. */
  actor: string | null;
  subject: string;
  data: unknown;
}

/** An entry in its place: number, time recorded, the previous hash and its own. */
export interface AuditEntry extends EntryContent {
  seq: number;
  recordedAt: string;
  prevHash: string;
  hash: string;
}

const Envelope = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(200),
  source: z.string().min(1).max(100),
  subject: z.string().min(1).max(500),
  time: z.iso.datetime({ offset: true }),
  data: z.unknown(),
});

/** Who made the change: the actor the event names, the requester of an export, or the account for Auth's events. */
function actorOf(e: z.output<typeof Envelope>): string | null {
  const data = (e.data ?? {}) as Record<string, unknown>;
  for (const key of ['actor', 'requestedBy']) {
    if (typeof data[key] === 'string') return data[key] as string;
  }
  return e.source === 'auth' && e.subject !== 'unknown' ? e.subject : null;
}

/** The entry content of an event; an event without the envelope's fields cannot be audited and is dead-lettered. */
export function entryContentOf(event: EventEnvelope): EntryContent {
  const parsed = Envelope.safeParse(event);
  if (!parsed.success) {
    throw new UnprocessableEventError(
      `The event cannot be audited: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  }
  const e = parsed.data;
  return {
    eventId: e.id,
    occurredAt: new Date(e.time).toISOString(),
    source: e.source,
    action: e.type,
    actor: actorOf(e),
    subject: e.subject,
    data: e.data ?? null,
  };
}

/** The hash of an entry: SHA-256 over the canonical JSON of every field but the hash itself. */
export function hashOf(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, eventId, occurredAt, recordedAt, source, action, actor, subject, data, prevHash } = entry;
  const body = canonicalJson({
    seq,
    eventId,
    occurredAt,
    recordedAt,
    source,
    action,
    actor,
    subject,
    data,
    prevHash,
  });
  return createHash('sha256').update(body).digest('hex');
}

/** Why a link of the chain is broken. */
export type BrokenReason = 'hash-mismatch' | 'previous-hash-mismatch' | 'missing-entry';

/** Checks one entry against the one before it (undefined for the first); undefined when the link holds. */
export function checkLink(
  entry: AuditEntry,
  previous: Pick<AuditEntry, 'seq' | 'hash'> | undefined,
): BrokenReason | undefined {
  const expectedSeq = (previous?.seq ?? 0) + 1;
  if (entry.seq !== expectedSeq) return 'missing-entry';
  if (entry.prevHash !== (previous?.hash ?? genesisHash)) return 'previous-hash-mismatch';
  if (hashOf(entry) !== entry.hash) return 'hash-mismatch';
  return undefined;
}
