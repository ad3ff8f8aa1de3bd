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
