import { randomUUID } from 'node:crypto';
import type { EventConsumer } from '@quire/kit';
import { produce, readTopic } from '@quire/kit/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuditConsumer } from '../src/audit-consumer.js';
import { type AuditHarness, brokers, platformEvent, startAudit, until } from './harness.js';

let h: AuditHarness;
const consumers: EventConsumer[] = [];
beforeAll(async () => {
  h = await startAudit();
});
afterAll(async () => {
  for (const c of consumers) await c.stop();
  await h?.close();
});

const consume = async (topics: string[], extra: Partial<Parameters<typeof startAuditConsumer>[0]> = {}) => {
  const c = await startAuditConsumer({
    pool: h.pool,
    brokers: brokers(),
    logger: h.logger,
    groupId: `audit-test-${h.schema}`,
    topics,
    ...extra,
  });
  consumers.push(c);
  await c.joined;
  return c;
};

const entries = async (query: Record<string, string | number>, roles = ['admin']) =>
  request(h.app.api)
    .get('/v1/audit/entries')
    .query(query)
    .set('authorization', `Bearer ${await h.token(roles)}`);

describe('the audit log', () => {
  it('records every event of every platform topic once, and an admin finds them by actor, subject, action and time, a page at a time', async () => {
    const t = await h.topics(['document', 'user', 'auth', 'requests', 'results', 'dlq']);
    const ada = randomUUID();
    const doc = randomUUID();
    const events = {
      [t.document]: [
        platformEvent('document.created', doc, { actor: ada, version: 1 }, '2026-03-01T10:00:00.000Z'),
        platformEvent('document.shared', doc, { actor: ada, version: 2 }, '2026-03-01T11:00:00.000Z'),
        platformEvent('document.updated', doc, { actor: ada, version: 3 }, '2026-03-01T12:00:00.000Z'),
      ],
      [t.user]: [platformEvent('user.updated', ada, { actor: ada })],
      [t.auth]: [platformEvent('auth.logged_in', ada, { sessionId: 's1', address: '10.0.0.1' })],
      [t.requests]: [platformEvent('export.requested', randomUUID(), { requestedBy: ada, ownerId: ada })],
      [t.results]: [platformEvent('export.ready', randomUUID(), { requestedBy: ada })],
    };
    for (const [topic, list] of Object.entries(events)) await produce(brokers(), topic, list);
    // One event published twice, as an outbox relay may after a crash: recorded once.
    await produce(brokers(), t.document, [events[t.document]?.[0] as never]);
    await consume(
      Object.values(t).filter((x) => x !== t.dlq),
      { deadLetterTopic: t.dlq },
    );
    await until(async () => (await h.count()) === 7);

    const byActor = await entries({ actor: ada, limit: 3 });
    expect(byActor.status).toBe(200);
    expect(byActor.body.items).toHaveLength(3);
    const next = await entries({ actor: ada, limit: 3, cursor: byActor.body.nextCursor });
    const last = await entries({ actor: ada, limit: 3, cursor: next.body.nextCursor });
    const all = [...byActor.body.items, ...next.body.items, ...last.body.items];
    expect(all).toHaveLength(7);
    expect(last.body.nextCursor).toBeUndefined();
    expect(all.map((e: { seq: number }) => e.seq)).toEqual([7, 6, 5, 4, 3, 2, 1].filter((s) => s <= 7));

    const shared = await entries({ subject: doc, action: 'document.shared' });
    expect(shared.body.items.map((e: { action: string }) => e.action)).toEqual(['document.shared']);
    const morning = await entries({ subject: doc, from: '2026-03-01T10:30:00Z', to: '2026-03-01T12:00:00Z' });
    expect(morning.body.items.map((e: { data: { version: number } }) => e.data.version)).toEqual([2]);
    const login = await entries({ action: 'auth.logged_in' });
    expect(login.body.items[0]).toMatchObject({ actor: ada, source: 'auth', data: { address: '10.0.0.1' } });
  });

  it('answers 403 to a caller who is not an admin, and 400 to a malformed time range', async () => {
    expect((await entries({}, ['user'])).status).toBe(403);
    const verify = await request(h.app.api)
      .get('/v1/audit/verify')
      .set('authorization', `Bearer ${await h.token(['user'])}`);
    expect(verify.status).toBe(403);
    expect((await entries({ from: 'yesterday' })).status).toBe(400);
  });

  it('dead-letters an event that cannot be audited after its attempt, and records the next one on the partition', async () => {
    const t = await h.topics(['poison', 'dlq'], 1);
    const before = await h.count();
    const good = platformEvent('user.created', randomUUID(), { actor: 'x' });
    await produce(brokers(), t.poison, [
      { ...platformEvent('user.updated', 'u', {}), time: 'not a time' },
      good,
    ]);
    await consume([t.poison], { groupId: `audit-poison-${h.schema}`, deadLetterTopic: t.dlq });
    await until(async () => (await h.count()) === before + 1);
    const [letter] = await readTopic(brokers(), t.dlq, 1);
    expect(letter?.headers?.['quire-error']?.toString()).toMatch(/cannot be audited/);
    expect(letter?.headers?.['quire-source-topic']?.toString()).toBe(t.poison);
    const found = await entries({ subject: good.subject });
    expect(found.body.items).toHaveLength(1);
  });

  it('keeps one unbroken chain when two consumers of one group append at once', async () => {
    const t = await h.topics(['busy'], 6);
    const before = await h.count();
    const group = `audit-pair-${h.schema}`;
    await Promise.all([consume([t.busy], { groupId: group }), consume([t.busy], { groupId: group })]);
    const events = Array.from({ length: 300 }, (_, i) =>
      platformEvent('document.updated', randomUUID(), { actor: 'ada', n: i }),
    );
    await produce(brokers(), t.busy, events);
    await until(async () => (await h.count()) === before + 300);
    const verify = await request(h.app.api)
      .get('/v1/audit/verify')
      .set('authorization', `Bearer ${await h.token()}`);
    expect(verify.body).toMatchObject({ valid: true, checked: before + 300, head: { seq: before + 300 } });
  });
});
