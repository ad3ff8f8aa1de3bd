import { describe, expect, it } from 'vitest';
import { checkCheckpoint, checkpointDue, checkpointEvent } from './checkpoint-policy.js';

const settings = { everyEntries: 1_000, everyMs: 300_000 };
const now = new Date('2026-11-26T12:00:00.000Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('when a checkpoint is due', () => {
  it('is due once as many entries as the interval follow the last checkpoint, and not one entry sooner', () => {
    const at = (headSeq: number) =>
      checkpointDue({ headSeq, lastSeq: 2_000, oldestUncovered: ago(1_000), now, settings });
    expect(at(2_999)).toBe(false);
    expect(at(3_000)).toBe(true);
  });

  it('is due when the oldest entry after the last checkpoint waited the interval, however few follow it', () => {
    const waited = (ms: number) =>
      checkpointDue({ headSeq: 2_001, lastSeq: 2_000, oldestUncovered: ago(ms), now, settings });
    expect(waited(299_999)).toBe(false);
    expect(waited(300_000)).toBe(true);
  });

  it('is never due when no entry follows the last checkpoint, however long ago it was', () => {
    expect(checkpointDue({ headSeq: 2_000, lastSeq: 2_000, oldestUncovered: undefined, now, settings })).toBe(
      false,
    );
  });
});

describe('a checkpoint checked against the chain', () => {
  const c = { seq: 1_000, hash: 'a'.repeat(64), at: now.toISOString() };

  it('matches when the entry at its seq still has its hash', () => {
    expect(checkCheckpoint(c, c.hash, 1_500)).toBeUndefined();
  });

  it('fails as truncated when the log now ends before its entry, naming where it ends', () => {
    expect(checkCheckpoint(c, undefined, 900)).toMatchObject({
      seq: 1_000,
      reason: 'truncated',
      detail: expect.stringContaining('ends at entry 900'),
    });
  });

  it('fails as a missing entry when later entries remain but its own is gone', () => {
    expect(checkCheckpoint(c, undefined, 1_500)?.reason).toBe('missing-entry');
  });

  it('fails as a hash mismatch when the entry at its seq hashes to something else, naming both hashes', () => {
    const failure = checkCheckpoint(c, 'b'.repeat(64), 1_500);
    expect(failure?.reason).toBe('hash-mismatch');
    expect(failure?.detail).toContain('b'.repeat(64));
    expect(failure?.detail).toContain(c.hash);
  });
});

describe('a published checkpoint', () => {
  it('is an audit.checkpoint event from audit carrying seq, hash and the time it was taken', () => {
    const c = { seq: 3, hash: 'c'.repeat(64), at: now.toISOString() };
    expect(checkpointEvent(c)).toMatchObject({
      type: 'audit.checkpoint',
      source: 'audit',
      subject: 'audit-log',
      time: c.at,
      data: c,
    });
  });
});
