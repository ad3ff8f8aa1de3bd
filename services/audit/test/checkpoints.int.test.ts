import { createKafkaPublisher, OutboxRelay, withTransaction } from '@quire/kit';
import { readTopic } from '@quire/kit/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashOf } from '../src/audit-chain.js';
import { recordEvent } from '../src/audit-consumer.js';
import { columns, type EntryRow, toEntry } from '../src/audit-log.js';
import type { CheckpointSettings } from '../src/checkpoint-policy.js';
import { CheckpointScheduler } from '../src/checkpoint-scheduler.js';
import { type AuditHarness, brokers, platformEvent, startAudit, until } from './harness.js';

let h: AuditHarness;
let settings: CheckpointSettings;
beforeAll(async () => {
  h = await startAudit();
  settings = {
    everyEntries: 10,
    everyMs: 3_600_000,
    topic: (await h.topics(['checkpoints'], 1)).checkpoints,
  };
});
afterAll(async () => {
  await h?.close();
});

const append = async (n: number, s = settings) => {
  for (let i = 0; i < n; i++) {
    await recordEvent(h.pool, platformEvent('document.updated', `doc-${i}`, { actor: 'ada', n: i }), s);
  }
};
const checkpoints = async () =>
  (
    await h.pool.query<{ seq: number; hash: string }>(
      'SELECT seq::int, hash FROM audit_checkpoints ORDER BY seq',
    )
  ).rows;
const hashAt = async (seq: number) =>
  (await h.pool.query('SELECT hash FROM audit_log WHERE seq = $1', [seq])).rows[0]?.hash;
const verify = async (query: Record<string, string> = {}) =>
  (
    await request(h.app.api)
      .get('/v1/audit/verify')
      .query(query)
      .set('authorization', `Bearer ${await h.token()}`)
  ).body;

/** Runs `work` as the database owner or a superuser with the append-only triggers switched off. */
const asOwnerWithoutTriggers = (work: (c: import('pg').PoolClient) => Promise<void>) =>
  withTransaction(h.pool, async (c) => {
    await c.query('SET LOCAL session_replication_role = replica');
    await work(c);
  });

/**
 * The owner's attack: set the actor of entry `seq`, then recompute every hash from there to the head
 * with the service's own hash function, so every link holds again.
 */
const rewriteActor = (seq: number, actor: string) =>
  asOwnerWithoutTriggers(async (c) => {
    const { rows } = await c.query<EntryRow>(
      `SELECT ${columns} FROM audit_log WHERE seq >= $1 ORDER BY seq`,
      [seq - 1],
    );
    let prevHash = rows[0] ? toEntry(rows[0]).hash : '';
    for (const row of rows.slice(1)) {
      const { hash: _old, ...entry } = toEntry(row);
      const changed = { ...entry, prevHash, ...(entry.seq === seq ? { actor } : {}) };
      const hash = hashOf(changed);
      await c.query('UPDATE audit_log SET actor = $2, prev_hash = $3, hash = $4 WHERE seq = $1', [
        changed.seq,
        changed.actor,
        prevHash,
        hash,
      ]);
      prevHash = hash;
    }
  });

describe('audit checkpoints', () => {
  it('when as many entries as the interval are appended, it records the head as a checkpoint and publishes {seq, hash, at} on the audit topic', async () => {
    await append(25);
    expect(await checkpoints()).toEqual([
      { seq: 10, hash: await hashAt(10) },
      { seq: 20, hash: await hashAt(20) },
    ]);

    const publisher = createKafkaPublisher({ brokers: brokers(), clientId: 'audit-test', logger: h.logger });
    const relay = new OutboxRelay({ pool: h.pool, publisher, logger: h.logger });
    try {
      await until(
        async () =>
          (await relay.relayOnce()) === 0 && (await h.pool.query('SELECT 1 FROM outbox')).rowCount === 0,
      );
    } finally {
      await publisher.close();
    }
    const published = (await readTopic(brokers(), settings.topic, 2)).map((m) =>
      JSON.parse(m.value?.toString() ?? '{}'),
    );
    expect(
      published.map((e) => ({ type: e.type, source: e.source, seq: e.data.seq, hash: e.data.hash })),
    ).toEqual([
      { type: 'audit.checkpoint', source: 'audit', seq: 10, hash: await hashAt(10) },
      { type: 'audit.checkpoint', source: 'audit', seq: 20, hash: await hashAt(20) },
    ]);
    expect(published[0].time).toBe(published[0].data.at);
  });

  it('when fewer entries follow the last checkpoint but the oldest of them waited the interval, the scheduler records one at the head', async () => {
    const scheduler = new CheckpointScheduler({
      pool: h.pool,
      settings: { ...settings, everyMs: 3_600_000 },
      logger: h.logger,
    });
    expect(await scheduler.tick()).toBeUndefined();

    const quick = new CheckpointScheduler({
      pool: h.pool,
      settings: { ...settings, everyMs: 300 },
      logger: h.logger,
      tickMs: 50,
    });
    quick.start();
    try {
      await until(async () => (await checkpoints()).length === 3);
    } finally {
      await quick.stop();
    }
    const { rows } = await h.pool.query<{ waited: number }>(
      `SELECT extract(epoch FROM c.at - l.recorded_at) * 1000 AS waited
         FROM audit_checkpoints c, audit_log l WHERE c.seq = 25 AND l.seq = 21`,
    );
    expect(Number(rows[0]?.waited)).toBeGreaterThanOrEqual(300);
    expect((await checkpoints()).at(-1)).toEqual({ seq: 25, hash: await hashAt(25) });
    expect(await quick.tick()).toBeUndefined();
  });

  it('verifies incrementally: it checks every checkpoint but walks only the entries after the last one', async () => {
    await append(4);
    expect(await verify()).toMatchObject({
      valid: true,
      mode: 'incremental',
      from: 25,
      checked: 4,
      head: { seq: 29, hash: await hashAt(29) },
      checkpoints: { checked: 3, failed: 0, latest: { seq: 25, hash: await hashAt(25) } },
    });
  });

  it('with full=true, it walks every entry from the first and still checks the checkpoints', async () => {
    expect(await verify({ full: 'true' })).toMatchObject({
      valid: true,
      mode: 'full',
      from: 0,
      checked: 29,
      head: { seq: 29 },
      checkpoints: { checked: 3, failed: 0 },
    });
  });

  it('when the owner rewrites an entry and recomputes every hash after it, it reports the first checkpoint the prefix no longer matches', async () => {
    const original = await hashAt(10);
    await rewriteActor(3, 'mallory');
    expect((await h.pool.query('SELECT actor FROM audit_log WHERE seq = 3')).rows[0].actor).toBe('mallory');

    for (const mode of ['incremental', 'full'] as const) {
      const result = await verify(mode === 'full' ? { full: 'true' } : {});
      // Every link holds again: only the checkpoints kept the old hashes.
      expect(result.firstBroken).toBeUndefined();
      expect(result).toMatchObject({
        valid: false,
        mode,
        from: 0,
        checked: 29,
        checkpoints: {
          checked: 3,
          failed: 3,
          firstFailed: {
            seq: 10,
            hash: original,
            reason: 'hash-mismatch',
            detail: expect.stringContaining(await hashAt(10)),
          },
        },
      });
    }

    await rewriteActor(3, 'ada');
    expect(await verify()).toMatchObject({ valid: true, checked: 4 });
  });

  it('when the log is truncated below a checkpoint, it reports that checkpoint as truncated and where the log now ends', async () => {
    await asOwnerWithoutTriggers(async (c) => {
      await c.query('DELETE FROM audit_log WHERE seq > 22');
    });
    expect(await verify()).toMatchObject({
      valid: false,
      mode: 'incremental',
      from: 20,
      checked: 2,
      head: { seq: 22 },
      checkpoints: {
        checked: 3,
        failed: 1,
        latest: { seq: 25 },
        firstFailed: { seq: 25, reason: 'truncated', detail: expect.stringContaining('ends at entry 22') },
      },
    });
  });
});
