/**
 * Rate limits in fixed windows, counted in Redis: each key's counter starts at its first hit and
 * expires `windowSeconds` later, so every replica of a service shares one count per key. Auth limits
 * logins with it and User its email lookups; callers choose the key (an address, an account, a caller).
 * One key per count, so it works on a Redis Cluster without hash tags.
 */
import { RateLimitedError } from './errors.js';
import type { RedisClient } from './redis.js';

/** How many hits a key may make in one window, and how long a window lasts. */
export interface FixedWindow {
  /** Hits allowed per key in one window; the next one is refused. */
  readonly max: number;
  readonly windowSeconds: number;
}

/** A key's count in its current window and the whole seconds until the window ends (at least 1). */
export interface WindowCount {
  readonly count: number;
  readonly resetInSeconds: number;
}

// INCR and the expiry in one script, so a counter can never be left without one (it would then
// refuse its key for ever). A key that somehow has no expiry gets one on its next hit.
const countScript = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1]) * 1000
end
return {n, ttl}`;

/**
 * The whole seconds a client should wait, from Redis' PTTL in milliseconds: rounded up, so a
 * client that waits that long finds a new window, and at least 1, as Retry-After of 0 means "now".
 */
export function secondsUntilReset(pttlMs: number, windowSeconds: number): number {
  const ms = pttlMs < 0 ? windowSeconds * 1000 : pttlMs;
  return Math.max(1, Math.ceil(ms / 1000));
}

/** Whether a count is over the window's limit: `max` hits pass, the one after is refused. */
export const isOverLimit = (count: number, window: FixedWindow): boolean => count > window.max;

/** Fixed-window counters under one key prefix, with one limit. */
export class FixedWindowLimiter {
  /**
   * @param prefix names what is counted (`quire:user:lookup:`); the caller's key follows it.
   * @param message the 429's detail, saying what was limited (RateLimitedError's own when unset).
   */
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    readonly window: FixedWindow,
    private readonly message?: string,
  ) {
    if (!Number.isInteger(window.max) || window.max < 1) {
      throw new RangeError(`A fixed window's max must be a whole number of at least 1, not ${window.max}`);
    }
    if (!Number.isInteger(window.windowSeconds) || window.windowSeconds < 1) {
      throw new RangeError(
        `A fixed window must last a whole number of seconds, at least 1, not ${window.windowSeconds}`,
      );
    }
  }

  /** Counts one hit for the key and throws RateLimitedError (429 with Retry-After) once over the limit. */
  async consume(key: string): Promise<WindowCount> {
    const counted = await this.count(key);
    if (isOverLimit(counted.count, this.window)) {
      throw new RateLimitedError(counted.resetInSeconds, this.message);
    }
    return counted;
  }

  /** Counts one hit for the key without refusing it (to count failures, say, and refuse later). */
  async count(key: string): Promise<WindowCount> {
    const [count, pttl] = (await this.redis.eval(
      countScript,
      1,
      this.prefix + key,
      this.window.windowSeconds,
    )) as [number, number];
    return { count, resetInSeconds: secondsUntilReset(pttl, this.window.windowSeconds) };
  }

  /** Throws RateLimitedError while the key has used up its window, without counting a hit. */
  async assertNotExhausted(key: string): Promise<void> {
    const k = this.prefix + key;
    const [count, pttl] = await Promise.all([this.redis.get(k), this.redis.pttl(k)]);
    if (Number(count ?? 0) >= this.window.max) {
      throw new RateLimitedError(secondsUntilReset(pttl, this.window.windowSeconds), this.message);
    }
  }

  /** Forgets the key's count, starting it afresh at its next hit. */
  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }
}
