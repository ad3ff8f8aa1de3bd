/** The user's notifications, newest first; the unread ones are marked read once they were shown. */
import { useCallback, useEffect, useState } from 'react';
import type { NotificationPage } from '../api/api.ts';
import { messageOf } from '../api/problem.ts';
import { useApi } from '../ui/api-context.tsx';
import { EmptyState, ErrorState, Loading } from '../ui/page-state.tsx';
import { useRecountUnread } from '../ui/unread-count.tsx';
import { usePageHeading } from '../ui/use-page-title.ts';

export function NotificationsPage() {
  const api = useApi();
  const recountUnread = useRecountUnread();
  const heading = usePageHeading('Notifications');
  const [page, setPage] = useState<NotificationPage>();
  const [error, setError] = useState<string>();

  const load = useCallback(async () => {
    setError(undefined);
    try {
      const loaded = await api.notifications.list();
      setPage(loaded);
      // Opening the list is reading it; the "New" labels stay until the page is left.
      const unread = loaded.items.filter((n) => !n.readAt);
      await Promise.all(unread.map((n) => api.notifications.markRead(n.id)));
      // The bar's count, taken as this page opened, still has them.
      if (unread.length > 0) recountUnread();
    } catch (e) {
      setError(messageOf(e));
    }
  }, [api, recountUnread]);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Notifications
      </h1>
      {error ? (
        <ErrorState message={error} onRetry={() => void load()} />
      ) : !page ? (
        <Loading label="Loading notifications" />
      ) : page.items.length === 0 ? (
        <EmptyState title="No notifications">
          <p>
            You are told here when someone shares a document with you, deletes or restores one of yours, or
            restores one shared with you; when an export is ready or failed; and when your account is used
            from a new device.
          </p>
        </EmptyState>
      ) : (
        <ul className="doc-list" aria-label="Notifications">
          {page.items.map((n) => (
            <li key={n.id} className="doc-row">
              <div className="doc-main">
                <span className="doc-title">
                  {!n.readAt && <span className="badge">New</span>} {n.title}
                </span>
                <span>{n.body}</span>
                <span className="doc-meta">{new Date(n.createdAt).toLocaleString()}</span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
