import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentEvent, engineKinds, type SearchHarness, startSearch, type TestDocument } from './harness.js';

type Caller = { subject: string; token: string };

describe.each(engineKinds)('searching through the %s adapter', (kind) => {
  let h: SearchHarness;
  let ada: Caller;
  let bob: Caller;
  let eve: Caller;
  let admin: Caller;
  const ids = {
    engine: randomUUID(),
    notes: randomUUID(),
    loom: randomUUID(),
    bobs: randomUUID(),
    shared: randomUUID(),
  };

  beforeAll(async () => {
    h = await startSearch(kind);
    [ada, bob, eve, admin] = await Promise.all([
      h.caller(),
      h.caller(),
      h.caller(),
      h.caller(['user', 'admin']),
    ]);
    const docs: TestDocument[] = [
      {
        id: ids.engine,
        version: 1,
        ownerId: ada.subject,
        title: 'The Analytical Engine',
        text: 'A general-purpose machine for computing.',
        tags: ['math', 'history'],
        updatedAt: '2026-01-10T00:00:00Z',
      },
      {
        id: ids.notes,
        version: 1,
        ownerId: ada.subject,
        title: 'Translator notes',
        text: 'The Analytical Engine weaves algebraic patterns just as the Jacquard loom weaves flowers.',
        tags: ['math'],
        updatedAt: '2026-02-10T00:00:00Z',
      },
      {
        id: ids.loom,
        version: 1,
        ownerId: ada.subject,
        title: 'Jacquard loom',
        text: 'Punched cards drive the weaving.',
        tags: ['history'],
        updatedAt: '2026-03-10T00:00:00Z',
      },
      {
        id: ids.bobs,
        version: 1,
        ownerId: bob.subject,
        title: "Bob's engine diary",
        text: 'My private engine thoughts.',
        updatedAt: '2026-03-11T00:00:00Z',
      },
      {
        id: ids.shared,
        version: 1,
        ownerId: bob.subject,
        title: 'Engine blueprints',
        text: 'Shared with Ada.',
        readers: [bob.subject, ada.subject],
        updatedAt: '2026-03-12T00:00:00Z',
      },
    ];
    for (const d of docs) expect(await h.indexer.apply(documentEvent(d, 'document.created'))).toBe('applied');
    await h.engine.refresh(h.alias);
  });
  afterAll(() => h?.close());

  const search = (c: Caller, query: Record<string, string | number>) =>
    request(h.app.api).get('/v1/search').query(query).set('authorization', `Bearer ${c.token}`);
  const idsOf = (res: request.Response) => res.body.items.map((i: { id: string }) => i.id);

  it('ranks a document whose title matches above one that only mentions the words in its text, and highlights both', async () => {
    const res = await search(ada, { q: 'analytical engine' }).expect(200);
    expect(idsOf(res)).toEqual([ids.engine, ids.notes]);
    expect(res.body.items[0].score).toBeGreaterThan(res.body.items[1].score);
    expect(res.body.items[0].highlights.title).toEqual(['The <mark>Analytical</mark> <mark>Engine</mark>']);
    expect(res.body.items[1].highlights.text[0]).toContain('<mark>Analytical</mark> <mark>Engine</mark>');
    expect(res.body.items[0]).not.toHaveProperty('readers');
  });

  it("a user never sees another user's unshared documents; shared ones appear; an admin sees all", async () => {
    expect(idsOf(await search(ada, { q: 'engine' }))).not.toContain(ids.bobs);
    expect(idsOf(await search(ada, { q: 'engine' }))).toContain(ids.shared);
    expect(idsOf(await search(eve, { q: 'engine' }))).toEqual([]);
    expect(idsOf(await search(admin, { q: 'engine' }))).toEqual(
      expect.arrayContaining([ids.bobs, ids.engine]),
    );
  });

  it('filters by tags, owner and update time, and without words lists the newest first', async () => {
    expect(idsOf(await search(ada, { tags: 'math,history' }))).toEqual([ids.engine]);
    expect(idsOf(await search(ada, { owner: bob.subject }))).toEqual([ids.shared]);
    expect(idsOf(await search(ada, { from: '2026-02-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }))).toEqual([
      ids.notes,
    ]);
    expect(idsOf(await search(ada, {}))).toEqual([ids.shared, ids.loom, ids.notes, ids.engine]);
  });

  it('pages with a cursor, each result once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await search(ada, { q: 'engine', limit: 1, ...(cursor ? { cursor } : {}) }).expect(200);
      seen.push(...idsOf(res));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(3);
    expect(new Set(seen).size).toBe(3);
  });

  it('an event seen twice changes nothing, and an older version never overwrites a newer one', async () => {
    const id = randomUUID();
    const v = (version: number, title: string) => documentEvent({ id, version, ownerId: ada.subject, title });
    const v2 = v(2, 'Second title');
    expect(await h.indexer.apply(v2)).toBe('applied');
    expect(await h.indexer.apply(v2)).toBe('stale');
    expect(await h.indexer.apply(v(1, 'First title'))).toBe('stale');
    await h.engine.refresh(h.alias);
    expect(idsOf(await search(ada, { q: 'second' }))).toEqual([id]);
    expect(idsOf(await search(ada, { q: 'first' }))).toEqual([]);
  });

  it('a deleted document disappears, and a late older event does not bring it back', async () => {
    const id = randomUUID();
    const doc = { id, ownerId: ada.subject, title: 'Ephemeral memo' };
    await h.indexer.apply(documentEvent({ ...doc, version: 2, deleted: true }, 'document.deleted'));
    expect(await h.indexer.apply(documentEvent({ ...doc, version: 1 }, 'document.created'))).toBe('stale');
    await h.engine.refresh(h.alias);
    expect(idsOf(await search(ada, { q: 'ephemeral' }))).toEqual([]);
  });

  it('an invalid search answers 400 saying what is wrong, never a 500 from the engine', async () => {
    const cases: [Record<string, string | number>, string][] = [
      [{ limit: 0 }, 'limit'],
      [{ limit: 'many' }, 'limit'],
      [{ from: 'yesterday' }, 'from'],
      [{ from: '2026-03-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }, 'to'],
      [{ cursor: 'not-a-cursor' }, 'cursor'],
      [{ q: 'x'.repeat(501) }, 'q'],
      [{ sort: 'title' }, 'sort'],
    ];
    for (const [query, field] of cases) {
      const res = await search(ada, query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    // Syntax a strict parser would reject is searched as text.
    for (const q of ['"unclosed', 'engine AND (', '***', 'title:[* TO', '\\'])
      await search(ada, { q }).expect(200);
  });
});
