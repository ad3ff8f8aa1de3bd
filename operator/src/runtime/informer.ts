/**
 * A list-then-watch informer that does not stop. It lists (paged), then watches from the list's
 * resourceVersion with bookmarks, tracking the resourceVersion of every event. A 410 Gone (an HTTP
 * answer or an ERROR event, after etcd compaction or an expired continue token) makes it relist at
 * once; any other failure, or a stream silent for longer than `silenceTimeoutMs` (no event, no
 * bookmark), restarts the watch from the last resourceVersion after an exponential, jittered
 * backoff. A periodic resync replays every cached object to the handlers as an update.
 */
import type { ApiClient } from './api-client.js';
import { ApiError, isGone } from './api-client.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { type Logger, silentLogger } from './logger.js';
import type { RuntimeMetrics } from './metrics.js';
import { ObjectCache } from './object-cache.js';
import {
  apiVersionOf,
  type KubeObject,
  keyOf,
  kindName,
  type ResourceKind,
  resourcePath,
} from './resource-kind.js';
import { type WatchEvent, watchEvents } from './watch-stream.js';

export interface InformerHandler<T extends KubeObject> {
  onAdd?(object: T): void;
  onUpdate?(old: T, current: T): void;
  onDelete?(object: T): void;
}

export interface InformerOptions {
  client: ApiClient;
  kind: ResourceKind;
  /** Watch one namespace; all namespaces when omitted. */
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
  /** Replay every cached object as an update this often; 0 disables. */
  resyncPeriodMs?: number | undefined;
  /** Server-side watch timeout; by default 5 to 10 minutes, random, as client-go. */
  watchTimeoutSeconds?: number | undefined;
  /** Restart a watch that delivered nothing, not even a bookmark, for this long (default 90 s). */
  silenceTimeoutMs?: number | undefined;
  backoff?: BackoffOptions | undefined;
  pageSize?: number | undefined;
  metrics?: RuntimeMetrics | undefined;
  logger?: Logger | undefined;
}

/** The watch delivered nothing for too long. */
class SilentStreamError extends Error {
  constructor(ms: number) {
    super(`The watch stream was silent for ${ms} ms`);
    this.name = 'SilentStreamError';
  }
}

interface ObjectList {
  metadata: { resourceVersion?: string; continue?: string };
  items: KubeObject[];
}

export class Informer<T extends KubeObject = KubeObject> {
  readonly kind: ResourceKind;
  readonly cache = new ObjectCache<T>();
  private readonly options: InformerOptions;
  private readonly handlers = new Set<InformerHandler<T>>();
  private readonly log: Logger;
  private readonly resource: string;
  private resourceVersion: string | undefined;
  private synced = false;
  private stopped = true;
  private listedOnce = false;
  private loop: Promise<void> | undefined;
  /** Aborts the list or watch in flight, so `stop` does not wait for it. */
  private inFlight: AbortController | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private wakeSleep: (() => void) | undefined;
  private syncWaiters: Array<() => void> = [];
  private readonly backoff: Backoff;

  constructor(options: InformerOptions) {
    this.options = options;
    this.kind = options.kind;
    this.resource = kindName(options.kind);
    this.backoff = new Backoff(options.backoff);
    this.log = (options.logger ?? silentLogger).child({
      informer: this.resource,
      ...(options.namespace ? { namespace: options.namespace } : {}),
    });
  }

  /** Adds event handlers; once synced, the handler first receives every cached object as an add. */
  addHandler(handler: InformerHandler<T>): () => void {
    this.handlers.add(handler);
    if (this.synced) for (const object of this.cache.list()) this.call(handler, 'onAdd', object);
    return () => this.handlers.delete(handler);
  }

  /** Starts listing and watching in the background. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
    const period = this.options.resyncPeriodMs ?? 0;
    if (period > 0) {
      this.resyncTimer = setInterval(() => this.resync(), period);
      this.resyncTimer.unref();
    }
  }

  /** Stops watching and waits for the loop to end; the cache keeps its content. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.resyncTimer);
    this.inFlight?.abort();
    this.wakeSleep?.();
    await this.loop;
  }

  /** True once the first list has filled the cache. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the first list has filled the cache. */
  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** The resourceVersion the next watch starts from. */
  get lastResourceVersion(): string | undefined {
    return this.resourceVersion;
  }

  /** Replays every cached object to the handlers as an update (old and new the same object). */
  resync(): void {
    if (!this.synced) return;
    for (const object of this.cache.list()) this.emit('onUpdate', object, object);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined) await this.list();
        await this.watch();
      } catch (error) {
        if (this.stopped) break;
        if (isGone(error)) {
          // The resourceVersion is compacted away: only a fresh list can say what changed meanwhile.
          this.resourceVersion = undefined;
          this.log.info({ reason: (error as ApiError).message }, 'Watch expired, relisting');
          continue;
        }
        const reason =
          error instanceof SilentStreamError
            ? 'silent'
            : error instanceof ApiError
              ? String(error.code)
              : 'error';
        this.options.metrics?.watchRestarts.inc({ resource: this.resource, reason });
        const delay = this.backoff.next();
        this.log.warn(
          { err: describe(error), reason, delayMs: Math.round(delay) },
          'Watch failed, restarting after backoff',
        );
        await this.sleep(delay);
      }
    }
  }

  private async list(): Promise<void> {
    if (this.listedOnce) this.options.metrics?.relists.inc({ resource: this.resource });
    const path = resourcePath(this.kind, { namespace: this.options.namespace });
    const abort = new AbortController();
    this.inFlight = abort;
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion: string | undefined;
    do {
      const page = await this.options.client.request<ObjectList>('GET', path, {
        query: {
          limit: this.options.pageSize ?? 500,
          continue: continueToken,
          labelSelector: this.options.labelSelector,
          fieldSelector: this.options.fieldSelector,
        },
        signal: abort.signal,
      });
      // Items of a list carry no apiVersion and kind; handlers and the cache expect them.
      for (const item of page.items)
        items.push({ ...item, apiVersion: apiVersionOf(this.kind), kind: this.kind.kind } as T);
      continueToken = page.metadata.continue || undefined;
      resourceVersion = page.metadata.resourceVersion;
    } while (continueToken !== undefined);
    const changes = this.cache.replace(items);
    this.resourceVersion = resourceVersion;
    this.listedOnce = true;
    for (const object of changes.added) this.emit('onAdd', object);
    for (const { old, current } of changes.updated) this.emit('onUpdate', old, current);
    for (const object of changes.deleted) this.emit('onDelete', object);
    this.log.debug({ objects: items.length, resourceVersion }, 'Listed objects');
    if (!this.synced) {
      this.synced = true;
      for (const wake of this.syncWaiters.splice(0)) wake();
    }
  }

  private async watch(): Promise<void> {
    const abort = new AbortController();
    this.inFlight = abort;
    const silenceMs = this.options.silenceTimeoutMs ?? 90_000;
    let silence: NodeJS.Timeout | undefined;
    const resetSilence = () => {
      clearTimeout(silence);
      silence = setTimeout(() => abort.abort(new SilentStreamError(silenceMs)), silenceMs);
    };
    const opened = performance.now();
    resetSilence();
    try {
      const stream = await this.options.client.stream(
        resourcePath(this.kind, { namespace: this.options.namespace }),
        {
          watch: true,
          allowWatchBookmarks: true,
          resourceVersion: this.resourceVersion,
          timeoutSeconds: this.options.watchTimeoutSeconds ?? Math.floor(300 * (1 + Math.random())),
          labelSelector: this.options.labelSelector,
          fieldSelector: this.options.fieldSelector,
        },
        abort.signal,
      );
      for await (const event of watchEvents(stream, resetSilence)) {
        this.handle(event);
        if (this.stopped) return;
      }
      // A watch the server ends at once is a failure in disguise; retrying at once would spin.
      if (performance.now() - opened < 1000) throw new Error('The server ended the watch at once');
      // The server ended the watch (its timeout): a healthy end, so the backoff starts over.
      this.backoff.reset();
    } catch (error) {
      if (abort.signal.reason instanceof SilentStreamError) throw abort.signal.reason;
      throw error;
    } finally {
      clearTimeout(silence);
      abort.abort();
      if (performance.now() - opened >= this.backoff.resetAfterMs) this.backoff.reset();
    }
  }

  private handle(event: WatchEvent): void {
    const object = event.object;
    if (event.type === 'ERROR') {
      throw new ApiError(
        object.code ?? 500,
        object,
        `The watch ended with an error: ${object.message ?? 'unknown'}`,
      );
    }
    const resourceVersion = object.metadata?.resourceVersion;
    if (event.type === 'BOOKMARK') {
      this.resourceVersion = resourceVersion ?? this.resourceVersion;
      return;
    }
    const typed = object as unknown as T;
    if (event.type === 'DELETED') {
      const previous = this.cache.delete(keyOf(typed));
      this.emit('onDelete', previous ?? typed);
    } else {
      const { previous, current } = this.cache.upsert(typed);
      if (previous) this.emit('onUpdate', previous, current);
      else this.emit('onAdd', current);
    }
    this.resourceVersion = resourceVersion ?? this.resourceVersion;
  }

  private emit(event: 'onAdd' | 'onDelete', object: T): void;
  private emit(event: 'onUpdate', old: T, current: T): void;
  private emit(event: keyof InformerHandler<T>, first: T, second?: T): void {
    for (const handler of this.handlers) this.call(handler, event, first, second);
  }

  /** A failing handler is logged; it never stops the informer or the other handlers. */
  private call(handler: InformerHandler<T>, event: keyof InformerHandler<T>, first: T, second?: T): void {
    try {
      if (event === 'onUpdate') handler.onUpdate?.(first, second ?? first);
      else handler[event]?.(first);
    } catch (error) {
      this.log.error({ err: describe(error), event }, 'Event handler failed');
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeSleep = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeSleep = done;
    });
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.name}: ${error.message}${cause}`;
  }
  return String(error);
}
