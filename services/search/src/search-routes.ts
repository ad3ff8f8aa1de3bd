/** The Search API: full-text search over the documents the caller may read. */
import type { ApiRouter } from '@quire/kit';
import type { SearchEngine } from './engine.js';
import { SearchPage, SearchQuery } from './schemas.js';
import { runSearch } from './search-query.js';

/** Declares the search route. */
export function searchRoutes(engine: SearchEngine, alias: string) {
  return (r: ApiRouter): void => {
    r.route(
      {
        method: 'get',
        path: '/v1/search',
        operationId: 'searchDocuments',
        summary: 'Search the documents the caller may read, most relevant first',
        tags: ['search'],
        authenticated: true,
        query: SearchQuery,
        responses: {
          200: { description: 'One page of results; follow nextCursor for the next', body: SearchPage },
        },
      },
      async ({ query, principal }) => ({
        status: 200,
        body: await runSearch(engine, alias, query, principal),
      }),
    );
  };
}
