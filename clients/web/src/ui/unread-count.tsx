/**
 * The unread count in the navigation bar. It is polled, re-counted on each page change, and re-counted
 * at once by a page that changed it (the notifications page, after marking what it showed as read), so
 * the badge does not keep announcing notifications the user is looking at.
 */
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { useApi } from './api-context.tsx';

/** Polled this often; a minute is fresh enough for a badge and cheap for the service. */
export const unreadPollMs = 60_000;

const RecountContext = createContext<() => void>(() => undefined);

/** Provides what `useRecountUnread` returns to the pages below it. */
export const RecountUnreadProvider = RecountContext.Provider;

/** Asks the navigation bar to count the unread notifications again, now. */
export const useRecountUnread = () => useContext(RecountContext);

/** The number of unread notifications and a function that counts them again; `refreshKey` re-counts too. */
export function useUnreadCount(refreshKey: string): [number, () => void] {
  const api = useApi();
  const [count, setCount] = useState(0);
  // Counts can overlap (a page change and a page's recount); only the latest one asked shows.
  const latest = useRef(0);
  const recount = useCallback(() => {
    const asked = ++latest.current;
    api.notifications
      .list(true)
      .then((page) => asked === latest.current && setCount(page.items.length))
      .catch(() => undefined);
  }, [api]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshKey re-counts when the page changes.
  useEffect(() => {
    recount();
    const timer = setInterval(recount, unreadPollMs);
    return () => {
      clearInterval(timer);
      // Answers to counts asked before this point no longer show (the shell unmounted or moved on).
      latest.current += 1;
    };
  }, [recount, refreshKey]);
  return [count, recount];
}
