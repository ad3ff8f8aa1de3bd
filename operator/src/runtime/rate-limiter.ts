/**
 * How long to wait before retrying: a per-key exponential backoff, a token bucket for an overall
 * rate, and the larger of several limiters, as client-go's workqueue composes them.
 */

/** Decides the delay before a key is retried, and forgets a key once it succeeds. */
export interface RateLimiter {
  /** Milliseconds to wait before retrying `key`; each call counts as one more failure. */
  when(key: string): number;
  /** Clears the failure history of `key`. */
  forget(key: string): void;
  /** How many times `key` has been retried since it was last forgotten. */
  numRequeues(key: string): number;
}

/** Per-key exponential backoff: base, 2×base, 4×base, ... capped at max. */
export class ItemExponentialRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(options: { baseDelayMs?: number; maxDelayMs?: number } = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 1_000_000;
  }

  when(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    // 2 ** 60 already exceeds any sane maximum; capping the exponent avoids Infinity.
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(failures, 60));
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

/**
 * A token bucket: `burst` tokens, refilled at `qps` per second. `reserve` takes a token now and
 * says how long the caller must wait for it, so callers queue fairly behind each other.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly qps: number;
  private readonly burst: number;
  private readonly now: () => number;

  /** A `qps` of zero or less means unlimited. */
  constructor(options: { qps: number; burst: number; now?: () => number }) {
    this.qps = options.qps;
    this.burst = Math.max(1, options.burst);
    this.now = options.now ?? (() => performance.now());
    this.tokens = this.burst;
    this.last = this.now();
  }

  /** Takes one token; returns the milliseconds until it is really available (0 when at once). */
  reserve(): number {
    if (this.qps <= 0) return 0;
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.qps) * 1000;
  }

  /** Waits for a token; resolves at once while the bucket has tokens left. */
  async take(): Promise<number> {
    const delay = this.reserve();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    return delay;
  }
}

/** An overall rate for all keys together, from a token bucket. */
export class BucketRateLimiter implements RateLimiter {
  private readonly bucket: TokenBucket;

  constructor(options: { qps: number; burst: number; now?: () => number }) {
    this.bucket = new TokenBucket(options);
  }

  when(): number {
    return this.bucket.reserve();
  }

  forget(): void {}

  numRequeues(): number {
    return 0;
  }
}

/** The largest delay any of the limiters asks for. */
export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: readonly RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.limiters = limiters;
  }

  when(key: string): number {
    return Math.max(0, ...this.limiters.map((l) => l.when(key)));
  }

  forget(key: string): void {
    for (const l of this.limiters) l.forget(key);
  }

  numRequeues(key: string): number {
    return Math.max(0, ...this.limiters.map((l) => l.numRequeues(key)));
  }
}

export interface ControllerRateLimiterOptions {
  /** First retry delay of a failing key (default 5 ms). */
  baseDelayMs?: number;
  /** Longest retry delay of a failing key (default 1000 s, as controller-runtime). */
  maxDelayMs?: number;
  /** Overall retries per second across keys (default 10) and burst (default 100). */
  qps?: number;
  burst?: number;
}

/** controller-runtime's default: per-key backoff 5 ms → 1000 s, at most 10 retries/s (burst 100) overall. */
export function controllerRateLimiter(options: ControllerRateLimiterOptions = {}): RateLimiter {
  return new MaxOfRateLimiter(
    new ItemExponentialRateLimiter({
      baseDelayMs: options.baseDelayMs ?? 5,
      maxDelayMs: options.maxDelayMs ?? 1_000_000,
    }),
    new BucketRateLimiter({ qps: options.qps ?? 10, burst: options.burst ?? 100 }),
  );
}
