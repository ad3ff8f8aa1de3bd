/**
 * Exports: request an archive of your documents, watch it until the Export service reports, then
 * download it. The API has no list of exports, so the page remembers the ones requested here.
 */
import { useEffect, useState } from 'react';
import type { ExportView } from '../api/api.ts';
import { messageOf } from '../api/problem.ts';
import { useApi, useSession } from '../ui/api-context.tsx';
import { EmptyState } from '../ui/page-state.tsx';
import { usePageHeading } from '../ui/use-page-title.ts';

/** How often a running export is checked. */
export const exportPollMs = 2_000;

const statusText: Record<ExportView['status'], string> = {
  requested: 'Being prepared…',
  completed: 'Ready',
  failed: 'Failed',
  expired: 'The download link expired; request a new export',
};

// Kept outside the component so leaving the page and coming back still shows them, but only to the
// account that asked: the next person to log in in the same window must not get the previous one's
// download links, which need no credentials.
let remembered: { accountId: string; exports: ExportView[] } | undefined;

export function ExportsPage() {
  const api = useApi();
  const accountId = useSession()?.accountId ?? '';
  const heading = usePageHeading('Exports');
  const [exports, setExports] = useState<ExportView[]>(() =>
    remembered?.accountId === accountId ? remembered.exports : [],
  );
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  remembered = { accountId, exports };

  const running = exports.filter((e) => e.status === 'requested').map((e) => e.id);
  const runningKey = running.join(',');
  useEffect(() => {
    if (!runningKey) return;
    const timer = setInterval(async () => {
      for (const id of runningKey.split(',')) {
        try {
          const latest = await api.exports.get(id);
          setExports((all) => all.map((e) => (e.id === id ? latest : e)));
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
      setExports((all) => [created, ...all]);
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
      {exports.length === 0 ? (
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
    </>
  );
}
