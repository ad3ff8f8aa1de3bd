/**
 * Checkpoints, as transparency logs keep them: the chain's head `{seq, hash, at}` recorded every so
 * many entries or so much time, whichever comes first, and published outside the database. The hash
 * at `seq` commits to every entry up to it, so a kept checkpoint exposes a rewritten prefix (its hash
 * no longer matches) and a truncated log (it ends before the checkpoint). These are the pure rules.
 */
import { type EventEnvelope, eventTopic, newEvent } from '@quire/kit';

/** When to record a checkpoint, and where to publish it. */
export interface CheckpointSettings {
  /** A checkpoint once this many entries follow the last one. */
  everyEntries: number;
  /** A checkpoint once the oldest entry after the last one is this old (milliseconds). */
  everyMs: number;
  /** The Kafka topic checkpoints are published on. */
  topic: string;
}

/** 1,000 entries or 5 minutes: an entry waits at most that long before a copy outside the database covers it. */
export const defaultCheckpointSettings: CheckpointSettings = {
  everyEntries: 1_000,
  everyMs: 5 * 60_000,
  topic: eventTopic('audit'),
};

/** A recorded checkpoint: the hash of entry `seq`, taken at `at` (ISO 8601). */
export interface Checkpoint {
  seq: number;
  hash: string;
  at: string;
}

/** The event type of a published checkpoint. */
export const checkpointEventType = 'audit.checkpoint';

/**
 * Whether a checkpoint is due at `headSeq`: enough entries since the last one (`lastSeq`, 0 for
 * none), or the first entry after it (recorded at `oldestUncovered`) waited long enough.
 */
export function checkpointDue(p: {
  headSeq: number;
  lastSeq: number;
  oldestUncovered: Date | undefined;
  now: Date;
  settings: Pick<CheckpointSettings, 'everyEntries' | 'everyMs'>;
}): boolean {
  if (p.headSeq <= p.lastSeq) return false;
  if (p.headSeq - p.lastSeq >= p.settings.everyEntries) return true;
  return (
    p.oldestUncovered !== undefined && p.now.getTime() - p.oldestUncovered.getTime() >= p.settings.everyMs
  );
}

/**
 * The event a checkpoint is published as. One key for every checkpoint keeps them in order on one
 * partition, so a consumer can tell that each one extends the last.
 */
export function checkpointEvent(c: Checkpoint): EventEnvelope<Checkpoint> {
  return {
    ...newEvent({ type: checkpointEventType, source: 'audit', subject: 'audit-log', data: c }),
    time: c.at,
  };
}

/** Why a stored checkpoint no longer matches the chain. */
export type CheckpointFailureReason = 'truncated' | 'missing-entry' | 'hash-mismatch';

/** A checkpoint that failed, and a sentence saying how. */
export interface CheckpointFailure extends Checkpoint {
  reason: CheckpointFailureReason;
  detail: string;
}

/**
 * Checks one checkpoint against the entry now stored at its seq (its hash, or undefined when there is
 * none) and the head of the log (0 when empty); undefined when it still matches.
 */
export function checkCheckpoint(
  c: Checkpoint,
  entryHash: string | undefined,
  headSeq: number,
): CheckpointFailure | undefined {
  if (entryHash === undefined) {
    return headSeq < c.seq
      ? {
          ...c,
          reason: 'truncated',
          detail: `The log ends at entry ${headSeq}, before this checkpoint's entry ${c.seq}: entries were removed from its end`,
        }
      : { ...c, reason: 'missing-entry', detail: `Entry ${c.seq}, which this checkpoint covers, is missing` };
  }
  if (entryHash !== c.hash) {
    return {
      ...c,
      reason: 'hash-mismatch',
      detail: `Entry ${c.seq} now hashes to ${entryHash}, not the checkpoint's ${c.hash}: entries up to it were rewritten`,
    };
  }
  return undefined;
}
