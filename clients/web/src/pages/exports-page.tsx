/**
 * Exports: the person's exports as the Export service lists them (newest first, a page at a time),
 * a button to request another, and the ones still being prepared checked until they finish, so the
 * download appears by itself.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ExportView } from '../api/api.ts';
import { messageOf } from '../api/problem.ts';
import { useApi } from '../ui/api-context.tsx';
import { EmptyState, ErrorState, Loading, LoadMore } from '../ui/page-state.tsx';
import { usePageHeading } from '../ui/use-page-title.ts';

/** How often a running export is checked. */
export const exportPollMs = 2_000;
const pageSize = 20;

const statusText: Record<ExportView['status'], string> = {
  requested: 'Being prepared…',
  completed: 'Ready',
  failed: 'Failed',
  expired: 'The download link expired; request a new export',
};

export function ExportsPage() {
  const api = useApi();
  const heading = usePageHeading('Exports');
  // Undefined until the first page is in.
  const [exports, setExports] = useState<ExportView[]>();
  const [nextCursor, setNextCursor] = useState<string>();
  const [loadError, setLoadError] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  /** Loads the first page, or the one after `cursor` appended to what is shown. */
  const load = useCallback(
    async (cursor?: string) => {
      setLoadError(undefined);
      setError(undefined);
      try {
        const page = await api.exports.list(cursor ? { limit: pageSize, cursor } : { limit: pageSize });
        setExports((shown) => {
          if (!cursor) return page.items;
          // One requested since the first page came in may be listed again; it is shown once.
          const known = new Set(shown?.map((e) => e.id));
          return [...(shown ?? []), ...page.items.filter((e) => !known.has(e.id))];
        });
        setNextCursor(page.nextCursor);
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

  const running = (exports ?? []).filter((e) => e.status === 'requested').map((e) => e.id);
  const runningKey = running.join(',');
  useEffect(() => {
    if (!runningKey) return;
    const timer = setInterval(async () => {
      for (const id of runningKey.split(',')) {
        try {
          const latest = await api.exports.get(id);
          setExports((all) => all?.map((e) => (e.id === id ? latest : e)));
        } catch (e) {
          setError(messageOf(e));
        }
      }
    }, exportPollMs);
    return () => clearInterval(timer);
  }, [api, runningKey]);

  const request = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const created = await api.exports.request();
      setExports((all) => [created, ...(all ?? []).filter((e) => e.id !== created.id)]);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Exports
      </h1>
      <p>An export is a ZIP archive of all your documents, ready to download for a limited time.</p>
      <button type="button" onClick={() => void request()} disabled={busy}>
        Export all my documents
      </button>
      <p className="form-error" role={error ? 'alert' : undefined}>
        {error ?? ''}
      </p>
      {loadError ? (
        <ErrorState message={loadError} onRetry={() => void load()} />
      ) : !exports ? (
        <Loading label="Loading exports" />
      ) : exports.length === 0 ? (
        <EmptyState title="No exports yet">
          <p>Request one above; it appears here with its progress.</p>
        </EmptyState>
      ) : (
        <ul className="doc-list" aria-label="Exports">
          {exports.map((e) => (
            <li key={e.id} className="doc-row">
              <div className="doc-main">
                <span className="doc-title">Export of {new Date(e.createdAt).toLocaleString()}</span>
                <span className="doc-meta" role="status">
                  {statusText[e.status]}
                  {e.error ? `: ${e.error}` : ''}
                </span>
                {e.status === 'requested' && <progress aria-label="Export progress" />}
              </div>
              {e.status === 'completed' && e.downloadUrl && (
                <a className="button" href={e.downloadUrl} download={`quire-export-${e.id}.zip`}>
                  Download export
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
      {nextCursor && !loadError && <LoadMore onLoad={() => void load(nextCursor)} />}
    </>
  );
}
