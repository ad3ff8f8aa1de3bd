/**
 * Verifying the chain. Every stored checkpoint is checked against the entry now at its seq, which is
 * one index probe each; then the links are walked from the last checkpoint of the unbroken run of
 * matching ones (incremental: O(entries since it)), or from the first entry (`full`), which also
 * re-hashes every entry the checkpoints cover.
 */
import type pg from 'pg';
import { type AuditEntry, type BrokenReason, checkLink } from './audit-chain.js';
import { columns, type EntryRow, toEntry } from './audit-log.js';
import { type Checkpoint, type CheckpointFailure, checkCheckpoint } from './checkpoint-policy.js';
import { readCheckpoints } from './checkpoint-store.js';

/** The outcome of a verification. */
export interface Verification {
  /** Every link walked held and every checkpoint matched. */
  valid: boolean;
  /** Entries the walk checked (up to and including the first broken one). */
  checked: number;
  head?: { seq: number; hash: string };
  firstBroken?: { seq: number; eventId: string; reason: BrokenReason };
  /** `incremental` walks from the last matching checkpoint; `full` from the first entry. */
  mode: 'incremental' | 'full';
  /** The walk checked the entries after this seq (0: from the first entry). */
  from: number;
  checkpoints: {
    /** Stored checkpoints checked against the chain. */
    checked: number;
    /** How many of them no longer match. */
    failed: number;
    /** The newest stored checkpoint, to compare with a copy kept outside the database. */
    latest?: Checkpoint;
    /** The oldest checkpoint that no longer matches, and why. */
    firstFailed?: CheckpointFailure;
  };
}

/** Verifies the chain against its checkpoints, incrementally unless `full`. */
export async function verifyChain(
  pool: pg.Pool,
  options: { full?: boolean; batchSize?: number } = {},
): Promise<Verification> {
  const full = options.full ?? false;
  const batchSize = options.batchSize ?? 1_000;
  const { rows: top } = await pool.query<{ seq: string }>(
    'SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  const headSeq = Number(top[0]?.seq ?? 0);

  const stored = await readCheckpoints(pool);
  let failed = 0;
  let firstFailed: CheckpointFailure | undefined;
  // The walk may start at a checkpoint only if every one before it matched too: after a failed one,
  // the entries between must be walked to say where the chain went wrong.
  let anchor: Checkpoint | undefined;
  for (const { checkpoint, entryHash } of stored) {
    const failure = checkCheckpoint(checkpoint, entryHash, headSeq);
    if (failure) {
      failed += 1;
      firstFailed ??= failure;
    } else if (!firstFailed) {
      anchor = checkpoint;
    }
  }
  const start = full ? undefined : anchor;

  let previous: Pick<AuditEntry, 'seq' | 'hash'> | undefined = start;
  let checked = 0;
  let firstBroken: Verification['firstBroken'];
  walk: for (;;) {
    const { rows } = await pool.query<EntryRow>(
      `SELECT ${columns} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [previous?.seq ?? 0, batchSize],
    );
    for (const row of rows) {
      const entry = toEntry(row);
      checked += 1;
      const reason = checkLink(entry, previous);
      if (reason) {
        firstBroken = { seq: entry.seq, eventId: entry.eventId, reason };
        break walk;
      }
      previous = entry;
    }
    if (rows.length < batchSize) break;
  }

  const latest = stored.at(-1)?.checkpoint;
  return {
    valid: !firstBroken && failed === 0,
    checked,
    ...(firstBroken ? { firstBroken } : previous ? { head: { seq: previous.seq, hash: previous.hash } } : {}),
    mode: full ? 'full' : 'incremental',
    from: start?.seq ?? 0,
    checkpoints: {
      checked: stored.length,
      failed,
      ...(latest ? { latest } : {}),
      ...(firstFailed ? { firstFailed } : {}),
    },
  };
}
