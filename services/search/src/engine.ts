/**
 * The one small interface the Search service needs from a search engine, so Elasticsearch and
 * OpenSearch are interchangeable behind it (their adapters differ only in client calling conventions).
 */

export type EngineKind = 'elasticsearch' | 'opensearch';

/** Index settings and mappings, as sent to the create-index API. */
export interface IndexBody {
  settings: Record<string, unknown>;
  mappings: Record<string, unknown>;
}

export type AliasAction =
  | { add: { index: string; alias: string } }
  | { remove: { index: string; alias: string } };

/** A search request body in the query DSL both engines share. */
export type SearchBody = Record<string, unknown>;

export interface SearchHit {
  id: string;
  score: number | null;
  source: Record<string, unknown>;
  highlight: Record<string, string[]>;
  sort: unknown[];
}

/** The engine refused a request; `status` 400 means the request was wrong (a bad query), not the engine. */
export class SearchEngineError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The search engine answered ${status}: ${reason}`, options);
    this.name = 'SearchEngineError';
  }
}

export interface SearchEngine {
  readonly kind: EngineKind;
  ping(): Promise<void>;
  /** Creates an index; 'exists' when it was there already (another replica may be creating it). */
  createIndex(name: string, body: IndexBody): Promise<'created' | 'exists'>;
  deleteIndex(name: string): Promise<void>;
  /** The indices an alias points to (none when it does not exist). */
  aliasTargets(alias: string): Promise<string[]>;
  /** Applies alias changes atomically. */
  updateAliases(actions: AliasAction[]): Promise<void>;
  /** Copies every document keeping its external version; where `dest` holds the same or a newer version, it wins. */
  reindex(source: string, dest: string): Promise<{ copied: number; skipped: number }>;
  /** Writes `doc` at external `version`: 'stale' when the index holds this version or a newer one. */
  put(index: string, id: string, version: number, doc: Record<string, unknown>): Promise<'applied' | 'stale'>;
  search(index: string, body: SearchBody): Promise<SearchHit[]>;
  refresh(index: string): Promise<void>;
  close(): Promise<void>;
}

/** The reason of an engine error body (`{ error: { root_cause: [{ reason }], reason } }`). */
export function reasonOf(body: unknown, fallback: string): string {
  const error = (body as { error?: unknown } | undefined)?.error;
  if (typeof error === 'string') return error;
  const e = error as
    | { reason?: string; root_cause?: { reason?: string }[]; caused_by?: { reason?: string } }
    | undefined;
  return e?.root_cause?.[0]?.reason ?? e?.caused_by?.reason ?? e?.reason ?? fallback;
}
