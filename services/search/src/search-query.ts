/**
 * Building the engine query from the API's parameters and the caller: relevance-ranked full text
 * over title, tags and text, filters that only ever narrow (deleted documents and documents the
 * caller may not read never match), highlights, and keyset pagination with `search_after`.
 */
import { decodeCursor, encodeCursor, InputError, type Principal } from '@quire/kit';
import { z } from 'zod';
import type { SearchBody, SearchEngine, SearchHit } from './engine.js';
import { SearchEngineError } from './engine.js';
import type { SearchParams } from './schemas.js';

/** The sort values of the last hit: score (or update time) and id. */
const position = z.tuple([z.number(), z.string()]);

/** The engine request for a search by `principal`. */
export function searchBody(params: SearchParams, principal: Principal): SearchBody {
  const filter: unknown[] = [{ term: { deleted: false } }];
  if (!principal.roles.includes('admin')) filter.push({ term: { readers: principal.subject } });
  for (const tag of params.tags ?? []) filter.push({ term: { tags: tag } });
  if (params.owner) filter.push({ term: { ownerId: params.owner } });
  if (params.from || params.to) {
    filter.push({
      range: {
        updatedAt: { ...(params.from ? { gte: params.from } : {}), ...(params.to ? { lt: params.to } : {}) },
      },
    });
  }
  const must = params.q
    ? [
        {
          // simple_query_string never fails on syntax: stray quotes or operators are taken as text.
          simple_query_string: {
            query: params.q,
            fields: ['title^3', 'tags^2', 'text'],
            default_operator: 'and',
          },
        },
      ]
    : [{ match_all: {} }];
  return {
    size: params.limit + 1,
    query: { bool: { must, filter } },
    sort: params.q ? [{ _score: 'desc' }, { id: 'asc' }] : [{ updatedAt: 'desc' }, { id: 'asc' }],
    ...(params.cursor ? { search_after: decodeCursor(params.cursor, position) } : {}),
    _source: { excludes: ['text', 'readers'] },
    highlight: {
      pre_tags: ['<mark>'],
      post_tags: ['</mark>'],
      fields: { title: { number_of_fragments: 0 }, text: { fragment_size: 150, number_of_fragments: 3 } },
    },
  };
}

/** One page of results; an engine 400 (a query it cannot run) becomes a 400 naming `q`. */
export async function runSearch(
  engine: SearchEngine,
  alias: string,
  params: SearchParams,
  principal: Principal,
) {
  let hits: SearchHit[];
  try {
    hits = await engine.search(alias, searchBody(params, principal));
  } catch (err) {
    if (err instanceof SearchEngineError && err.status === 400) {
      throw new InputError('The search query cannot be run', [
        { field: 'q', rule: 'query', message: err.reason, in: 'query' },
      ]);
    }
    throw err;
  }
  const page = hits.slice(0, params.limit);
  const last = page.at(-1);
  return {
    items: page.map((h) => {
      const s = h.source as Record<string, never>;
      return {
        id: h.id,
        title: s.title,
        tags: s.tags,
        ownerId: s.ownerId,
        contentType: s.contentType,
        size: s.size,
        createdAt: s.createdAt,
        updatedAt: s.updatedAt,
        ...(typeof h.score === 'number' ? { score: h.score } : {}),
        highlights: h.highlight,
      };
    }),
    ...(hits.length > params.limit && last ? { nextCursor: encodeCursor(last.sort) } : {}),
  };
}
