/**
 * Trash: the person's deleted documents that can still be restored (the Document service lists them
 * newest deletion first, a page at a time), each with the time left before its content is removed
 * and a Restore button. A restored document leaves the trash and is back in Documents.
 */
import { useCallback, useEffect, useState } from 'react';
import type { DeletedDocumentView } from '../api/api.ts';
import { ApiError, messageOf } from '../api/problem.ts';
import { useApi } from '../ui/api-context.tsx';
import { EmptyState, ErrorState, Loading, LoadMore } from '../ui/page-state.tsx';
import { usePageHeading } from '../ui/use-page-title.ts';
import { timeLeft } from './trash/time-left.ts';

const pageSize = 20;
/** How often the time left is recounted while the page is open. */
export const trashClockMs = 30_000;

/** The service answers these when the document is no longer in the trash: it should leave the list. */
const gone = (e: unknown) => e instanceof ApiError && [404, 409, 410].includes(e.status);

export function TrashPage() {
  const api = useApi();
  const heading = usePageHeading('Trash');
  // Undefined until the first page is in.
  const [deleted, setDeleted] = useState<DeletedDocumentView[]>();
  const [nextCursor, setNextCursor] = useState<string>();
  const [loadError, setLoadError] = useState<string>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState<string>();
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), trashClockMs);
    return () => clearInterval(timer);
  }, []);

  /** Loads the first page, or the one after `cursor` appended to what is shown. */
  const load = useCallback(
    async (cursor?: string) => {
      setLoadError(undefined);
      setError(undefined);
      try {
        const page = await api.documents.listDeleted(
          cursor ? { limit: pageSize, cursor } : { limit: pageSize },
        );
        setDeleted((shown) => {
          if (!cursor) return page.items;
          const known = new Set(shown?.map((d) => d.id));
          return [...(shown ?? []), ...page.items.filter((d) => !known.has(d.id))];
        });
        setNextCursor(page.nextCursor);
        setNow(Date.now());
      } catch (e) {
        if (cursor) setError(messageOf(e));
        else setLoadError(messageOf(e));
      }
    },
    [api],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const drop = (id: string) => setDeleted((all) => all?.filter((d) => d.id !== id));
  const restore = async (doc: DeletedDocumentView) => {
    setBusy(doc.id);
    setError(undefined);
    setDone('');
    try {
      await api.documents.restore(doc.id);
      drop(doc.id);
      setDone(`“${doc.title}” is back in your documents.`);
    } catch (e) {
      if (gone(e)) drop(doc.id);
      setError(`“${doc.title}” could not be restored: ${messageOf(e)}`);
    } finally {
      setBusy(undefined);
    }
  };

  // Past its time the cleanup may remove the content at any moment; the service no longer lists it.
  const shown = deleted?.filter((d) => Date.parse(d.restorableUntil) > now);
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Trash
      </h1>
      <p>Deleted documents can be restored, with their tags and shares, until their content is removed.</p>
      <p className="form-status" role="status">
        {done}
        {done && (
          <>
            {' '}
            <a href="#/documents">Open Documents</a>
          </>
        )}
      </p>
      <p className="form-error" role={error ? 'alert' : undefined}>
        {error ?? ''}
      </p>
      {loadError ? (
        <ErrorState message={loadError} onRetry={() => void load()} />
      ) : !shown ? (
        <Loading label="Loading deleted documents" />
      ) : shown.length === 0 ? (
        <EmptyState title="The trash is empty">
          <p>Documents you delete appear here for as long as they can be restored.</p>
        </EmptyState>
      ) : (
        <ul className="doc-list" aria-label="Deleted documents">
          {shown.map((d) => (
            <li key={d.id} className="doc-row">
              <div className="doc-main">
                <span className="doc-title">{d.title}</span>
                <span className="doc-meta">
                  Deleted {new Date(d.deletedAt).toLocaleString()} ·{' '}
                  <time dateTime={d.restorableUntil} title={new Date(d.restorableUntil).toLocaleString()}>
                    {timeLeft(d.restorableUntil, now)}
                  </time>
                </span>
              </div>
              <div className="doc-actions">
                <button
                  type="button"
                  onClick={() => void restore(d)}
                  disabled={busy === d.id}
                  aria-label={`Restore ${d.title}`}
                >
                  Restore
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {nextCursor && !loadError && <LoadMore onLoad={() => void load(nextCursor)} />}
    </>
  );
}
