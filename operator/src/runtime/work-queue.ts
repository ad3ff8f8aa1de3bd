/**
 * The work queue between informers and workers, with client-go's guarantees: a key waiting in the
 * queue is held once however often it is added; a key being processed is never handed to a second
 * worker (an add during processing is kept and handed out after `done`); retries wait per-key
 * backoff and an overall rate; `addAfter` schedules a key for later.
 */

import type { RuntimeMetrics } from './metrics.js';
import { controllerRateLimiter, type RateLimiter } from './rate-limiter.js';

export interface WorkQueueOptions {
  /** Names the queue in metrics (`name` and `controller` labels). */
  name: string;
  rateLimiter?: RateLimiter;
  metrics?: RuntimeMetrics;
  now?: () => number;
}

export class WorkQueue {
  readonly name: string;
  private readonly items: string[] = [];
  private head = 0;
  /** Keys that need processing: queued, or re-added while being processed. */
  private readonly dirty = new Set<string>();
  /** Keys being processed, with the time processing started. */
  private readonly processing = new Map<string, number>();
  private readonly queuedAt = new Map<string, number>();
  private readonly delayed = new Map<string, { readyAt: number; timer: NodeJS.Timeout }>();
  private readonly getters: Array<(key: string | undefined) => void> = [];
  private readonly idleWaiters: Array<() => void> = [];
  private readonly rateLimiter: RateLimiter;
  private readonly metrics: RuntimeMetrics | undefined;
  private readonly now: () => number;
  private shuttingDown = false;

  constructor(options: WorkQueueOptions) {
    this.name = options.name;
    this.rateLimiter = options.rateLimiter ?? controllerRateLimiter();
    this.metrics = options.metrics;
    this.now = options.now ?? (() => performance.now());
    this.metrics?.watchInFlight(this.name, {
      unfinishedSeconds: () => {
        const now = this.now();
        let total = 0;
        for (const started of this.processing.values()) total += now - started;
        return total / 1000;
      },
      longestRunningSeconds: () => {
        const now = this.now();
        let oldest = now;
        for (const started of this.processing.values()) oldest = Math.min(oldest, started);
        return (now - oldest) / 1000;
      },
    });
    this.metrics?.queueDepth.set(this.labels(), 0);
  }

  /** Adds a key to be processed; a key already waiting is not added twice. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    this.metrics?.queueAdds.inc(this.labels());
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  /** Adds a key after a delay; of several pending delays for one key, the earliest wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const readyAt = this.now() + delayMs;
    const pending = this.delayed.get(key);
    if (pending && pending.readyAt <= readyAt) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.delayed.set(key, { readyAt, timer });
  }

  /** Adds a key after the rate limiter's delay: its per-key backoff and the overall rate. */
  addRateLimited(key: string): void {
    if (this.shuttingDown) return;
    this.metrics?.queueRetries.inc(this.labels());
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Forgets a key's failures, so its next retry starts again from the base delay. */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.rateLimiter.numRequeues(key);
  }

  /** Waits for the next key; resolves `undefined` once the queue is shut down. */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    const key = this.dequeue();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Marks a key as processed; if it was added meanwhile, it goes back into the queue. */
  done(key: string): void {
    const started = this.processing.get(key);
    if (started === undefined) return;
    this.processing.delete(key);
    this.metrics?.workDuration.observe(this.labels(), (this.now() - started) / 1000);
    if (this.dirty.has(key) && !this.shuttingDown) this.enqueue(key);
    if (this.processing.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  /** Keys waiting to be handed out. */
  len(): number {
    return this.items.length - this.head;
  }

  /** Keys being processed right now. */
  inFlight(): number {
    return this.processing.size;
  }

  /** Stops handing out keys: waiting `get` calls resolve `undefined`, queued and delayed keys are dropped. */
  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    this.items.length = 0;
    this.head = 0;
    this.metrics?.queueDepth.set(this.labels(), 0);
    for (const resolve of this.getters.splice(0)) resolve(undefined);
  }

  /** Resolves once no key is being processed. */
  whenIdle(): Promise<void> {
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(key: string): void {
    this.queuedAt.set(key, this.now());
    const getter = this.getters.shift();
    if (getter) {
      this.start(key);
      getter(key);
      return;
    }
    this.items.push(key);
    this.metrics?.queueDepth.inc(this.labels());
  }

  private dequeue(): string | undefined {
    if (this.head >= this.items.length) return undefined;
    const key = this.items[this.head] as string;
    this.head += 1;
    // Compact now and then so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    this.metrics?.queueDepth.dec(this.labels());
    this.start(key);
    return key;
  }

  private start(key: string): void {
    const now = this.now();
    const queued = this.queuedAt.get(key);
    this.queuedAt.delete(key);
    if (queued !== undefined) this.metrics?.queueDuration.observe(this.labels(), (now - queued) / 1000);
    this.dirty.delete(key);
    this.processing.set(key, now);
  }

  private labels(): { name: string; controller: string } {
    return { name: this.name, controller: this.name };
  }
}
