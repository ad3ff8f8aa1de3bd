import { InputError } from '@quire/kit';
import { describe, expect, it } from 'vitest';
import { type SearchEngine, SearchEngineError } from './engine.js';
import { SearchQuery } from './schemas.js';
import { runSearch, searchBody } from './search-query.js';

const user = { subject: 'u1', roles: ['user'] };
const admin = { subject: 'a1', roles: ['user', 'admin'] };
const params = (q: Record<string, unknown>) => SearchQuery.parse(q);

describe('the engine query', () => {
  it("only ever matches live documents the caller may read; an admin's is not narrowed by readers", () => {
    const filters = (p: { subject: string; roles: string[] }) =>
      (searchBody(params({ q: 'x' }), p).query as { bool: { filter: unknown[] } }).bool.filter;
    expect(filters(user)).toEqual([{ term: { deleted: false } }, { term: { readers: 'u1' } }]);
    expect(filters(admin)).toEqual([{ term: { deleted: false } }]);
  });

  it('sorts by relevance with words, by recency without, with the id as tie-breaker', () => {
    expect(searchBody(params({ q: 'x' }), user).sort).toEqual([{ _score: 'desc' }, { id: 'asc' }]);
    expect(searchBody(params({}), user).sort).toEqual([{ updatedAt: 'desc' }, { id: 'asc' }]);
  });
});

describe('running a search', () => {
  const failing = (err: Error) => ({ search: () => Promise.reject(err) }) as unknown as SearchEngine;

  it('turns a query the engine refuses (400) into a 400 naming q with the reason', async () => {
    const err = new SearchEngineError(400, 'maxClauseCount is set to 1024');
    const run = runSearch(failing(err), 'alias', params({ q: 'x' }), user);
    await expect(run).rejects.toBeInstanceOf(InputError);
    await expect(run).rejects.toMatchObject({
      options: { errors: [{ field: 'q', rule: 'query', message: 'maxClauseCount is set to 1024' }] },
    });
  });

  it('lets an engine failure that is not the query pass (answered as 500 or 503)', async () => {
    const err = new SearchEngineError(503, 'no shards available');
    await expect(runSearch(failing(err), 'alias', params({}), user)).rejects.toBe(err);
  });

  it('gives a cursor when there is a next page, and reads it back', async () => {
    const hits = [1, 2, 3].map((n) => ({
      id: `d${n}`,
      score: 4 - n,
      source: {},
      highlight: {},
      sort: [4 - n, `d${n}`],
    }));
    const engine = { search: async () => hits } as unknown as SearchEngine;
    const page = await runSearch(engine, 'alias', params({ q: 'x', limit: 2 }), user);
    expect(page.items.map((i) => i.id)).toEqual(['d1', 'd2']);
    expect(searchBody(params({ q: 'x', cursor: page.nextCursor }), user).search_after).toEqual([2, 'd2']);
  });
});
