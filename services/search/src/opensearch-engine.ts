/** The OpenSearch adapter, through the official `@opensearch-project/opensearch` client. */
import { Client, errors } from '@opensearch-project/opensearch';
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
      throw new SearchEngineError(err.meta.statusCode ?? 500, reasonOf(err.meta.body, err.message), {
        cause: err,
      });
    }
    throw err;
  }
}

/** Creates the adapter for a cluster URL (credentials may be in the URL). */
export function opensearchEngine(url: string): SearchEngine {
  const client = new Client({ node: url, requestTimeout: 30_000, maxRetries: 2 });
  return {
    kind: 'opensearch',
    async ping() {
      await call(() => client.info());
    },
    async createIndex(name, body: IndexBody) {
      try {
        await call(() => client.indices.create({ index: name, body }));
        return 'created';
      } catch (err) {
        if (err instanceof SearchEngineError && /already exists/.test(err.reason)) return 'exists';
        throw err;
      }
    },
    async deleteIndex(name) {
      try {
        await call(() => client.indices.delete({ index: name }));
      } catch (err) {
        if (!(err instanceof SearchEngineError && err.status === 404)) throw err;
      }
    },
    async aliasTargets(alias) {
      try {
        return Object.keys((await call(() => client.indices.getAlias({ name: alias }))).body);
      } catch (err) {
        if (err instanceof SearchEngineError && err.status === 404) return [];
        throw err;
      }
    },
    async updateAliases(actions: AliasAction[]) {
      await call(() => client.indices.updateAliases({ body: { actions } }));
    },
    async reindex(source, dest) {
      const { body: r } = await call(() =>
        client.reindex({
          body: {
            source: { index: source },
            dest: { index: dest, version_type: 'external' },
            conflicts: 'proceed',
          },
          wait_for_completion: true,
          refresh: true,
        }),
      );
      const out = r as { created?: number; updated?: number; version_conflicts?: number };
      return { copied: (out.created ?? 0) + (out.updated ?? 0), skipped: out.version_conflicts ?? 0 };
    },
    async put(index, id, version, doc) {
      try {
        await call(() => client.index({ index, id, version, version_type: 'external', body: doc }));
        return 'applied';
      } catch (err) {
        if (err instanceof SearchEngineError && err.status === 409) return 'stale';
        throw err;
      }
    },
    async search(index, body: SearchBody) {
      const { body: r } = await call(() => client.search({ index, body: body as never }));
      return r.hits.hits.map(
        (h): SearchHit => ({
          id: h._id ?? '',
          score: typeof h._score === 'number' ? h._score : null,
          source: (h._source ?? {}) as Record<string, unknown>,
          highlight: (h.highlight ?? {}) as Record<string, string[]>,
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
