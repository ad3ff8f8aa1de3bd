/**
 * The informer's restart delays: exponential from `initialMs`, capped at `maxMs`, with jitter so
 * that many informers failing together (an API server restart) do not come back in step.
 */

export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** A watch that stayed healthy this long resets the backoff. */
  resetAfterMs?: number;
}

export class Backoff {
  readonly resetAfterMs: number;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private failures = 0;

  /** Defaults as client-go's reflector: 800 ms, doubling, up to 30 s. */
  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 800;
    this.maxMs = options.maxMs ?? 30_000;
    this.resetAfterMs = options.resetAfterMs ?? 60_000;
  }

  /** The next delay: initial × 2^failures, capped, times a random factor in [1, 2), capped again. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.failures, 30));
    this.failures += 1;
    return Math.min(this.maxMs, base * (1 + Math.random()));
  }

  reset(): void {
    this.failures = 0;
  }
}
