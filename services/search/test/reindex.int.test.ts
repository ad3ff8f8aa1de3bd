import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentsIndex, type IndexDefinition, indexName } from '../src/index-definition.js';
import { documentEvent, engineKinds, type SearchHarness, startSearch } from './harness.js';

/** The next definition: tags become searchable as words too (a mapping change an index cannot take in place). */
const nextDefinition: IndexDefinition = {
  version: 2,
  settings: documentsIndex.settings,
  mappings: {
    ...documentsIndex.mappings,
    properties: {
      ...(documentsIndex.mappings.properties as Record<string, unknown>),
      tags: { type: 'keyword', fields: { words: { type: 'text', analyzer: 'folded' } } },
    },
  },
};

const count = 500;

describe.each(engineKinds)('a mapping change through the %s adapter', (kind) => {
  let h: SearchHarness;
  let admin: { subject: string; token: string };
  const ids = Array.from({ length: count }, () => randomUUID());

  beforeAll(async () => {
    h = await startSearch(kind);
    admin = await h.caller(['user', 'admin']);
    const owner = randomUUID();
    for (let i = 0; i < count; i += 25) {
      await Promise.all(
        ids
          .slice(i, i + 25)
          .map((id, j) =>
            h.indexer.apply(
              documentEvent({ id, version: 1, ownerId: owner, title: `Ledger ${i + j}`, tags: ['books'] }),
            ),
          ),
      );
    }
    await h.engine.refresh(h.alias);
  }, 120_000);
  afterAll(() => h?.close());

  const search = (q: string, cursor?: string) =>
    request(h.app.api)
      .get('/v1/search')
      .query({ q, limit: 50, ...(cursor ? { cursor } : {}) })
      .set('authorization', `Bearer ${admin.token}`);

  /** Every result of a search, following cursors. */
  async function all(q: string): Promise<string[]> {
    const out: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await search(q, cursor).expect(200);
      out.push(...res.body.items.map((i: { id: string }) => i.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    return out;
  }

  it('reindexes into a new index behind the alias while searches keep answering and writes are kept', async () => {
    const answers: { status: number; items: number; ms: number }[] = [];
    let migrating = true;
    const searching = (async () => {
      while (migrating) {
        const started = performance.now();
        const res = await search('ledger');
        answers.push({
          status: res.status,
          items: res.body.items?.length ?? 0,
          ms: performance.now() - started,
        });
      }
    })();
    // Changes keep arriving during the migration: the first 50 documents get a version 2.
    const writing = (async () => {
      for (const [i, id] of ids.slice(0, 50).entries()) {
        await h.indexer.apply(
          documentEvent({
            id,
            version: 2,
            ownerId: admin.subject,
            title: `Ledger revised ${i}`,
            tags: ['books'],
          }),
        );
      }
    })();
    const started = performance.now();
    const result = await h.manager.ensure(nextDefinition);
    const seconds = (performance.now() - started) / 1000;
    await writing;
    migrating = false;
    await searching;

    expect(result.index).toBe(indexName(h.prefix, 2));
    expect(result.migrated?.copied).toBeGreaterThanOrEqual(count - 50);
    expect(await h.engine.aliasTargets(h.alias)).toEqual([indexName(h.prefix, 2)]);
    expect(answers.length).toBeGreaterThan(5);
    expect(answers.filter((a) => a.status !== 200 || a.items !== 50)).toEqual([]);
    await h.engine.refresh(h.alias);
    expect(new Set(await all('ledger'))).toEqual(new Set(ids));
    expect((await all('revised')).sort()).toEqual(ids.slice(0, 50).sort());
    // The new mapping is in use: tags are searchable as words only in version 2.
    expect(await all('books')).toHaveLength(count);
    console.log(
      `${kind}: reindexed ${result.migrated?.copied} documents (+${result.migrated?.caughtUp} caught up) in ${seconds.toFixed(1)} s; ` +
        `${answers.length} searches meanwhile, all 200 with full pages, slowest ${Math.max(...answers.map((a) => a.ms)).toFixed(0)} ms`,
    );
  }, 120_000);
});
