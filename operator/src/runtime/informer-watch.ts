/**
 * One watch of the informer: opened from a resourceVersion with bookmarks, read event by event, and
 * ended when the server closes it, the informer stops, or nothing (not even a bookmark) arrives for
 * the silence timeout: a connection a proxy dropped without a word would otherwise hang for ever.
 * A watch that stayed open long enough resets the backoff, so a later failure starts from the
 * shortest delay again.
 */
import { ApiError } from './api-client.js';
import type { Backoff } from './backoff.js';
import type { ListWatchTarget } from './informer-list.js';
import { resourcePath } from './resource-kind.js';
import { type WatchEvent, watchEvents } from './watch-stream.js';

/** The watch delivered nothing for too long. */
class SilentStreamError extends Error {
  constructor(ms: number) {
    super(`The watch stream was silent for ${ms} ms`);
    this.name = 'SilentStreamError';
  }
}

export interface WatchRequest {
  target: ListWatchTarget;
  resourceVersion: string | undefined;
  /** When undefined, a random 5 to 10 minutes, as client-go: watches opened together do not end together. */
  timeoutSeconds: number | undefined;
  silenceMs: number;
  backoff: Backoff;
  /** Aborted by the informer's `stop`, and by this watch when it ends. */
  abort: AbortController;
  onEvent(event: WatchEvent): void;
  /** Read after each event: once true, the watch ends quietly. */
  stopped(): boolean;
}

/** Watches until the server ends the watch or the informer stops; throws on any failure. */
export async function watchOnce(request: WatchRequest): Promise<void> {
  const { target, backoff, abort, silenceMs } = request;
  let silence: NodeJS.Timeout | undefined;
  const resetSilence = () => {
    clearTimeout(silence);
    silence = setTimeout(() => abort.abort(new SilentStreamError(silenceMs)), silenceMs);
  };
  const opened = performance.now();
  resetSilence();
  try {
    const stream = await target.client.stream(
      resourcePath(target.kind, { namespace: target.namespace }),
      {
        watch: true,
        allowWatchBookmarks: true,
        resourceVersion: request.resourceVersion,
        timeoutSeconds: request.timeoutSeconds ?? Math.floor(300 * (1 + Math.random())),
        labelSelector: target.labelSelector,
        fieldSelector: target.fieldSelector,
      },
      abort.signal,
    );
    for await (const event of watchEvents(stream, resetSilence)) {
      request.onEvent(event);
      if (request.stopped()) return;
    }
    // A watch the server ends at once is a failure in disguise; retrying at once would spin.
    if (performance.now() - opened < 1000) throw new Error('The server ended the watch at once');
    // The server ended the watch (its timeout): a healthy end, so the backoff starts over.
    backoff.reset();
  } catch (error) {
    if (abort.signal.reason instanceof SilentStreamError) throw abort.signal.reason;
    throw error;
  } finally {
    clearTimeout(silence);
    abort.abort();
    if (performance.now() - opened >= backoff.resetAfterMs) backoff.reset();
  }
}

/** Why a watch is being restarted, as the restarts metric labels it. */
export function restartReason(error: unknown): string {
  if (error instanceof SilentStreamError) return 'silent';
  if (error instanceof ApiError) return String(error.code);
  return 'error';
}
