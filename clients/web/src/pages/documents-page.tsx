/**
 * The documents the user can read, a page at a time, filtered by tag and type; upload, and delete
 * with undo: the delete is sent at once, and Undo asks the Document service to restore it (which it
 * can while the content is kept), so closing the tab never leaves a delete half done.
 */
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import type { DocumentPage, DocumentQuery, DocumentView } from '../api/api.ts';
import { messageOf } from '../api/problem.ts';
import { useApi, useSession } from '../ui/api-context.tsx';
import { EmptyState, ErrorState, Loading } from '../ui/page-state.tsx';
import { usePageHeading } from '../ui/use-page-title.ts';
import { DocumentRow } from './documents/document-row.tsx';
import { parseTags, UploadForm } from './documents/upload-form.tsx';

/** How long the Undo of a delete is offered. */
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
  // The last delete, hidden from the list, while its Undo is offered; `deleted` once the service said so.
  const [pending, setPending] = useState<{ doc: DocumentView; deleted: boolean }>();
  const [actionError, setActionError] = useState<string>();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const cursor = cursors[cursors.length - 1];
  useEffect(() => () => clearTimeout(timer.current), []);

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
  const drop = (id: string) => setPage((p) => p && { ...p, items: p.items.filter((d) => d.id !== id) });
  const remove = async (doc: DocumentView) => {
    // Only the last delete can be undone: an earlier one leaves the list for good.
    clearTimeout(timer.current);
    if (pending?.deleted) drop(pending.doc.id);
    setActionError(undefined);
    setPending({ doc, deleted: false });
    try {
      await api.documents.remove(doc.id);
    } catch (e) {
      setPending((p) => (p?.doc.id === doc.id ? undefined : p));
      setActionError(`“${doc.title}” was not deleted: ${messageOf(e)}`);
      return;
    }
    setPending((p) => (p?.doc.id === doc.id ? { doc, deleted: true } : p));
    timer.current = setTimeout(() => {
      setPending((p) => (p?.doc.id === doc.id ? undefined : p));
      drop(doc.id);
    }, undoWindowMs);
  };
  const undo = async () => {
    if (!pending?.deleted) return;
    const { doc } = pending;
    clearTimeout(timer.current);
    setPending(undefined);
    try {
      replace(await api.documents.restore(doc.id));
    } catch (e) {
      drop(doc.id);
      setActionError(`“${doc.title}” could not be brought back: ${messageOf(e)}`);
    }
  };
  const applyFilters = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    setCursors([undefined]);
    setFilters({ tags: String(data.get('tags') ?? ''), contentType: String(data.get('contentType') ?? '') });
  };

  const items = page?.items.filter((d) => d.id !== pending?.doc.id) ?? [];
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
            {pending.deleted ? 'Deleted' : 'Deleting'} “{pending.doc.title}”.{' '}
            <button type="button" onClick={() => void undo()} disabled={!pending.deleted}>
              Undo
            </button>
          </div>
        )}
      </div>
      <p className="form-error" role={actionError ? 'alert' : undefined}>
        {actionError ?? ''}
      </p>
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
              onDelete={(d) => void remove(d)}
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
