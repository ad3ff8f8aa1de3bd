/**
 * Retry delays per Platform for stores that are away: exponential with jitter (the runtime's
 * Backoff), reset by the first success, so a Platform whose brokers are down is retried ever less
 * often while another Platform's healthy reconciles are not slowed.
 */
import { Backoff } from '../runtime/backoff.js';

export class KeyedBackoff {
  private readonly byKey = new Map<string, Backoff>();
  private readonly initialMs: number;
  private readonly maxMs: number;

  constructor(options: { initialMs?: number; maxMs?: number } = {}) {
    this.initialMs = options.initialMs ?? 2_000;
    this.maxMs = options.maxMs ?? 60_000;
  }

  /** The delay before the next attempt for `key`, longer after each consecutive failure. */
  next(key: string): number {
    let backoff = this.byKey.get(key);
    if (!backoff) {
      backoff = new Backoff({ initialMs: this.initialMs, maxMs: this.maxMs });
      this.byKey.set(key, backoff);
    }
    return Math.round(backoff.next());
  }

  /** Forgets the failures of `key`, after a success or once its Platform is gone. */
  reset(key: string): void {
    this.byKey.delete(key);
  }
}
