/**
 * Shows a search fragment with its matches marked. The fragment is split on the engine's
 * `<mark>` tags and rendered as text, never as HTML, so a document title cannot inject markup.
 */
export function Highlight({ fragment }: { fragment: string }) {
  const parts = fragment.split(/<\/?mark>/);
  return (
    <>
      {parts.map((part, i) =>
        // Odd parts sit between <mark> and </mark>. Index keys: the parts never reorder.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above.
        i % 2 === 1 ? <mark key={i}>{part}</mark> : <span key={i}>{part}</span>,
      )}
    </>
  );
}
