/** Moves focus to a page's heading when it opens, so screen readers announce the new page. */
import { useEffect, useRef } from 'react';

export function usePageHeading(title: string) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Quire`;
    ref.current?.focus();
  }, [title]);
  return ref;
}
