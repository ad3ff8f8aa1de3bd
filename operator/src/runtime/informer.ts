/**
 * A list-then-watch informer that does not stop. It lists (paged), then watches from the list's
 * resourceVersion with bookmarks, tracking the resourceVersion of every event. A 410 Gone (an HTTP
 * answer or an ERROR event, after etcd compaction or an expired continue token) makes it relist at
 * once; any other failure, or a stream silent for longer than `silenceTimeoutMs` (no event, no
 * bookmark), restarts the watch from the last resourceVersion after an exponential, jittered
 * backoff. A periodic resync replays every cached object to the handlers as an update.
 * This file holds the loop and the cache; the paged list is in informer-list.ts, one watch in
 * informer-watch.ts, and the handlers in informer-handlers.ts.
 */
import { ApiError, isGone } from './api-client.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { type InformerHandler, InformerHandlers } from './informer-handlers.js';
import { type ListWatchTarget, listObjects } from './informer-list.js';
import { restartReason, watchOnce } from './informer-watch.js';
import { describeError, type Logger, silentLogger } from './logger.js';
import type { RuntimeMetrics } from './metrics.js';
import { ObjectCache } from './object-cache.js';
import { type KubeObject, keyOf, kindName, type ResourceKind } from './resource-kind.js';
import type { WatchEvent } from './watch-stream.js';

export interface InformerOptions extends ListWatchTarget {
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

export class Informer<T extends KubeObject = KubeObject> {
  readonly kind: ResourceKind;
  readonly cache = new ObjectCache<T>();
  private readonly options: InformerOptions;
  private readonly handlers: InformerHandlers<T>;
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
    this.handlers = new InformerHandlers<T>(this.log);
  }

  /** Adds event handlers; once synced, the handler first receives every cached object as an add. */
  addHandler(handler: InformerHandler<T>): () => void {
    return this.handlers.add(handler, this.synced ? this.cache.list() : []);
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
    for (const object of this.cache.list()) this.handlers.emit('onUpdate', object, object);
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
        const reason = restartReason(error);
        this.options.metrics?.watchRestarts.inc({ resource: this.resource, reason });
        const delay = this.backoff.next();
        this.log.warn(
          { err: describeError(error), reason, delayMs: Math.round(delay) },
          'Watch failed, restarting after backoff',
        );
        await this.sleep(delay);
      }
    }
  }

  private async list(): Promise<void> {
    if (this.listedOnce) this.options.metrics?.relists.inc({ resource: this.resource });
    const abort = new AbortController();
    this.inFlight = abort;
    const { items, resourceVersion } = await listObjects<T>(this.options, {
      pageSize: this.options.pageSize,
      signal: abort.signal,
    });
    const changes = this.cache.replace(items);
    this.resourceVersion = resourceVersion;
    this.listedOnce = true;
    for (const object of changes.added) this.handlers.emit('onAdd', object);
    for (const { old, current } of changes.updated) this.handlers.emit('onUpdate', old, current);
    for (const object of changes.deleted) this.handlers.emit('onDelete', object);
    this.log.debug({ objects: items.length, resourceVersion }, 'Listed objects');
    if (!this.synced) {
      this.synced = true;
      for (const wake of this.syncWaiters.splice(0)) wake();
    }
  }

  private watch(): Promise<void> {
    const abort = new AbortController();
    this.inFlight = abort;
    return watchOnce({
      target: this.options,
      resourceVersion: this.resourceVersion,
      timeoutSeconds: this.options.watchTimeoutSeconds,
      silenceMs: this.options.silenceTimeoutMs ?? 90_000,
      backoff: this.backoff,
      abort,
      onEvent: (event) => this.handle(event),
      stopped: () => this.stopped,
    });
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
      this.handlers.emit('onDelete', previous ?? typed);
    } else {
      const { previous, current } = this.cache.upsert(typed);
      if (previous) this.handlers.emit('onUpdate', previous, current);
      else this.handlers.emit('onAdd', current);
    }
    this.resourceVersion = resourceVersion ?? this.resourceVersion;
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
