/** The Elasticsearch adapter, through the official `@elastic/elasticsearch` client (v9). */
import { Client, errors } from '@elastic/elasticsearch';
import {
  type AliasAction,
  type IndexBody,
  reasonOf,
  type SearchBody,
  type SearchEngine,
  SearchEngineError,
  type SearchHit,
} from './engine.js';

/** Turns the client's response errors into SearchEngineError (other failures pass through). */
async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof errors.ResponseError) {
      throw new SearchEngineError(err.statusCode ?? 500, reasonOf(err.body, err.message), { cause: err });
    }
    throw err;
  }
}

/** Creates the adapter for a cluster URL (credentials may be in the URL). */
export function elasticsearchEngine(url: string): SearchEngine {
  const client = new Client({ node: url, requestTimeout: 30_000, maxRetries: 2 });
  return {
    kind: 'elasticsearch',
    async ping() {
      await call(() => client.info());
    },
    async createIndex(name, body: IndexBody) {
      try {
        await call(() =>
          client.indices.create({ index: name, settings: body.settings, mappings: body.mappings }),
        );
        return 'created';
      } catch (err) {
        if (err instanceof SearchEngineError && /already exists/.test(err.reason)) return 'exists';
        throw err;
      }
    },
    async deleteIndex(name) {
      await call(() => client.indices.delete({ index: name }, { ignore: [404] }));
    },
    async aliasTargets(alias) {
      try {
        return Object.keys(await call(() => client.indices.getAlias({ name: alias })));
      } catch (err) {
        if (err instanceof SearchEngineError && err.status === 404) return [];
        throw err;
      }
    },
    async updateAliases(actions: AliasAction[]) {
      await call(() => client.indices.updateAliases({ actions }));
    },
    async reindex(source, dest) {
      const r = await call(() =>
        client.reindex({
          source: { index: source },
          dest: { index: dest, version_type: 'external' },
          conflicts: 'proceed',
          wait_for_completion: true,
          refresh: true,
        }),
      );
      return { copied: (r.created ?? 0) + (r.updated ?? 0), skipped: r.version_conflicts ?? 0 };
    },
    async put(index, id, version, doc) {
      try {
        await call(() => client.index({ index, id, version, version_type: 'external', document: doc }));
        return 'applied';
      } catch (err) {
        if (err instanceof SearchEngineError && err.status === 409) return 'stale';
        throw err;
      }
    },
    async search(index, body: SearchBody) {
      const r = await call(() => client.search({ index, ...body }));
      return r.hits.hits.map(
        (h): SearchHit => ({
          id: h._id ?? '',
          score: h._score ?? null,
          source: (h._source ?? {}) as Record<string, unknown>,
          highlight: h.highlight ?? {},
          sort: (h.sort ?? []) as unknown[],
        }),
      );
    },
    async refresh(index) {
      await call(() => client.indices.refresh({ index }));
    },
    close: () => client.close(),
  };
}
