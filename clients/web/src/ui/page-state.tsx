/** The loading, empty and error states every page shows in the same place and the same size. */
import type { ReactNode } from 'react';

/** Reserved space while loading, so content arriving does not move the page. */
export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="placeholder" role="status" aria-live="polite">
      <span className="visually-hidden">{label}…</span>
      <div className="skeleton" />
      <div className="skeleton" />
      <div className="skeleton" />
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="placeholder empty">
      <p className="state-title">{title}</p>
      {children}
    </div>
  );
}

export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div className="placeholder error" role="alert">
      <p className="state-title">This could not be loaded</p>
      <p>{message}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** The pager of a list read a page at a time from a cursor: one button that appends the next page. */
export function LoadMore({ onLoad }: { onLoad: () => void }) {
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" onClick={onLoad}>
        Load more
      </button>
    </nav>
  );
}
