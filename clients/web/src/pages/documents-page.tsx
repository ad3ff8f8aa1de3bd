/**
 * The documents the user can read, a page at a time, filtered by tag and type; upload, and delete
 * with undo: the delete is only sent when the undo window closes, because the Document API has no
 * restore call (its soft delete keeps content for retention, not for the user to take back).
 */
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { DocumentPage, DocumentQuery, DocumentView } from '../api/api.ts';
import { messageOf } from '../api/problem.ts';
import { useApi, useSession } from '../ui/api-context.tsx';
import { EmptyState, ErrorState, Loading } from '../ui/page-state.tsx';
import { usePageHeading } from '../ui/use-page-title.ts';
import { DocumentRow } from './documents/document-row.tsx';
import { parseTags, UploadForm } from './documents/upload-form.tsx';

/** How long a deleted document can be brought back before the delete is sent. */
export const undoWindowMs = 6_000;
const pageSize = 20;

export function DocumentsPage() {
  const api = useApi();
  const session = useSession();
  const heading = usePageHeading('Documents');
  const [filters, setFilters] = useState({ tags: '', contentType: '' });
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<DocumentPage>();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState<DocumentView>();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const cursor = cursors[cursors.length - 1];

  const load = useCallback(async () => {
    setError(undefined);
    const query: DocumentQuery = { limit: pageSize };
    if (cursor) query.cursor = cursor;
    const tags = parseTags(filters.tags);
    if (tags.length) query.tags = tags.join(',');
    if (filters.contentType) query.contentType = filters.contentType;
    try {
      setPage(await api.documents.list(query));
    } catch (e) {
      setError(messageOf(e));
    }
  }, [api, cursor, filters]);
  useEffect(() => {
    void load();
  }, [load]);

  const replace = (doc: DocumentView) =>
    setPage((p) => p && { ...p, items: p.items.map((d) => (d.id === doc.id ? doc : d)) });
  const remove = (doc: DocumentView) => {
    // A second delete sends the first at once: only one can be undone at a time.
    if (timer.current) clearTimeout(timer.current);
    if (pending) void api.documents.remove(pending.id).catch((e) => setError(messageOf(e)));
    setPending(doc);
    timer.current = setTimeout(() => {
      setPending(undefined);
      api.documents.remove(doc.id).catch((e) => {
        setError(messageOf(e));
        void load();
      });
    }, undoWindowMs);
  };
  const undo = () => {
    clearTimeout(timer.current);
    setPending(undefined);
  };
  const applyFilters = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setCursors([undefined]);
    setFilters({ tags: String(data.get('tags') ?? ''), contentType: String(data.get('contentType') ?? '') });
  };

  const items = page?.items.filter((d) => d.id !== pending?.id) ?? [];
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Documents
      </h1>
      <UploadForm onUploaded={(doc) => setPage((p) => p && { ...p, items: [doc, ...p.items] })} />
      <form className="filters" onSubmit={applyFilters} aria-label="Filter documents">
        <label htmlFor="filter-tags">Tags</label>
        <input id="filter-tags" name="tags" defaultValue={filters.tags} />
        <label htmlFor="filter-type">Type</label>
        <select id="filter-type" name="contentType" defaultValue={filters.contentType}>
          <option value="">Any</option>
          <option value="text/plain">Text</option>
          <option value="text/markdown">Markdown</option>
          <option value="application/pdf">PDF</option>
          <option value="image/png">PNG image</option>
          <option value="image/jpeg">JPEG image</option>
        </select>
        <button type="submit">Filter</button>
      </form>
      <div className="toast-slot" aria-live="polite">
        {pending && (
          <div className="toast">
            Deleted “{pending.title}”.{' '}
            <button type="button" onClick={undo}>
              Undo
            </button>
          </div>
        )}
      </div>
      {error ? (
        <ErrorState message={error} onRetry={() => void load()} />
      ) : !page ? (
        <Loading label="Loading documents" />
      ) : items.length === 0 ? (
        <EmptyState title={cursors.length > 1 ? 'No more documents' : 'No documents yet'}>
          <p>Upload a file above, or clear the filters.</p>
        </EmptyState>
      ) : (
        <ul className="doc-list" aria-label="Documents">
          {items.map((doc) => (
            <DocumentRow
              key={doc.id}
              doc={doc}
              isOwner={doc.ownerId === session?.accountId}
              onChanged={replace}
              onDelete={remove}
            />
          ))}
        </ul>
      )}
      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous page
        </button>
        <button
          type="button"
          disabled={!page?.nextCursor}
          onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}
        >
          Next page
        </button>
      </nav>
    </>
  );
}
