/**
 * Full-text search that updates as you type (debounced), with highlights, a tag filter and "load more".
 * Enter searches again at once, even for the same words: a document just uploaded is indexed a moment
 * later, and people retry a search rather than retype it.
 */
import { useEffect, useState } from 'react';
import type { SearchPage as Results, SearchQuery } from '../api/api.ts';
import { messageOf } from '../api/problem.ts';
import { useApi } from '../ui/api-context.tsx';
import { Highlight } from '../ui/highlight.tsx';
import { EmptyState, ErrorState, Loading } from '../ui/page-state.tsx';
import { usePageHeading } from '../ui/use-page-title.ts';

/** Wait this long after the last keystroke before searching, so typing sends one request, not ten. */
export const searchDebounceMs = 300;

/** The value once it has stopped changing for `ms`, and a function that settles it now. */
function useDebounced<T>(value: T, ms: number): [T, () => void] {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return [settled, () => setSettled(value)];
}

export function SearchPage() {
  const api = useApi();
  const heading = usePageHeading('Search');
  const [text, setText] = useState('');
  const [tags, setTags] = useState('');
  // One string, so the debounced value compares by content and a re-render does not search again.
  const [query, settleNow] = useDebounced(`${text.trim()}\u0000${tags.trim()}`, searchDebounceMs);
  const [results, setResults] = useState<Results>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  // Bumped by Enter, so the same query runs again.
  const [attempt, setAttempt] = useState(0);

  const params = (cursor?: string): SearchQuery => {
    const [q = '', t = ''] = query.split('\u0000');
    return { q, ...(t ? { tags: t } : {}), limit: 10, ...(cursor ? { cursor } : {}) };
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: params derives from query alone.
  useEffect(() => {
    if (!query.split('\u0000')[0]) {
      setResults(undefined);
      return;
    }
    let live = true;
    setLoading(true);
    setError(undefined);
    api
      .search(params())
      .then((r) => live && setResults(r))
      .catch((e) => live && setError(messageOf(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [api, query, attempt]);

  const loadMore = async () => {
    if (!results?.nextCursor) return;
    try {
      const next = await api.search(params(results.nextCursor));
      setResults({
        items: [...results.items, ...next.items],
        ...(next.nextCursor ? { nextCursor: next.nextCursor } : {}),
      });
    } catch (e) {
      setError(messageOf(e));
    }
  };

  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Search
      </h1>
      <search>
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            settleNow();
            setAttempt((n) => n + 1);
          }}
        >
          <label htmlFor="search-text">Search documents</label>
          <input id="search-text" type="search" value={text} onChange={(e) => setText(e.target.value)} />
          <label htmlFor="search-tags">Tags</label>
          <input id="search-tags" value={tags} onChange={(e) => setTags(e.target.value)} />
          <button type="submit">Search</button>
        </form>
      </search>
      <p className="result-count" aria-live="polite">
        {results && !loading ? `${results.items.length}${results.nextCursor ? '+' : ''} results` : ''}
      </p>
      {error ? (
        <ErrorState message={error} />
      ) : loading && !results ? (
        <Loading label="Searching" />
      ) : !results ? (
        <EmptyState title="Type to search">
          <p>Titles, tags and the text of your documents are searched.</p>
        </EmptyState>
      ) : results.items.length === 0 ? (
        <EmptyState title="Nothing matches">
          <p>Try other words or remove the tag filter.</p>
        </EmptyState>
      ) : (
        <ol className="results" aria-label="Search results">
          {results.items.map((hit) => (
            <li key={hit.id}>
              <p className="doc-title">
                <Highlight fragment={hit.highlights?.title?.[0] ?? hit.title} />
              </p>
              {Object.entries(hit.highlights ?? {})
                .filter(([field]) => field !== 'title')
                .flatMap(([field, fragments]) =>
                  fragments.map((f) => (
                    <p key={`${field}:${f}`} className="fragment">
                      <Highlight fragment={f} />
                    </p>
                  )),
                )}
              <p className="doc-meta">
                {hit.contentType}
                {hit.tags.length > 0 && ` · ${hit.tags.join(', ')}`}
              </p>
            </li>
          ))}
        </ol>
      )}
      {results?.nextCursor && (
        <button type="button" onClick={() => void loadMore()}>
          Load more
        </button>
      )}
    </>
  );
}
