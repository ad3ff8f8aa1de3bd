import { describe, expect, it } from 'vitest';
import { FixedWindowLimiter, isOverLimit, secondsUntilReset } from './fixed-window-limiter.js';
import type { RedisClient } from './redis.js';

describe('a fixed window', () => {
  it('lets max hits pass and refuses the one after', () => {
    const window = { max: 3, windowSeconds: 60 };
    expect([1, 2, 3, 4, 5].map((n) => isOverLimit(n, window))).toEqual([false, false, false, true, true]);
  });

  it('tells a client to wait until the window ends, rounded up to whole seconds and never 0', () => {
    expect(secondsUntilReset(59_001, 60)).toBe(60);
    expect(secondsUntilReset(1_000, 60)).toBe(1);
    expect(secondsUntilReset(1_001, 60)).toBe(2);
    expect(secondsUntilReset(3, 60)).toBe(1);
    expect(secondsUntilReset(0, 60)).toBe(1);
  });

  it('when Redis reports no expiry (-1 or -2), it counts the whole window', () => {
    expect(secondsUntilReset(-1, 60)).toBe(60);
    expect(secondsUntilReset(-2, 15)).toBe(15);
  });

  it('when the limit or the window is not a whole number of at least 1, it refuses to build and names the value', () => {
    // Building checks its arguments only; no command reaches Redis.
    const redis = {} as RedisClient;
    expect(() => new FixedWindowLimiter(redis, 'p:', { max: 0, windowSeconds: 60 })).toThrow(/max.*not 0/);
    expect(() => new FixedWindowLimiter(redis, 'p:', { max: 2.5, windowSeconds: 60 })).toThrow(/not 2\.5/);
    expect(() => new FixedWindowLimiter(redis, 'p:', { max: 5, windowSeconds: 0 })).toThrow(
      /seconds, at least 1, not 0/,
    );
  });
});
