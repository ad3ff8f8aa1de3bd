import { describe, expect, it } from 'vitest';
import {
  BucketRateLimiter,
  controllerRateLimiter,
  ItemExponentialRateLimiter,
  MaxOfRateLimiter,
  TokenBucket,
} from './rate-limiter.js';

describe('the per-key exponential backoff', () => {
  it('doubles the delay of a key at each failure, from the base up to the cap', () => {
    const limiter = new ItemExponentialRateLimiter({ baseDelayMs: 5, maxDelayMs: 100 });
    expect(Array.from({ length: 7 }, () => limiter.when('a'))).toEqual([5, 10, 20, 40, 80, 100, 100]);
    expect(limiter.numRequeues('a')).toBe(7);
  });

  it('keeps keys apart, and starts a forgotten key again from the base', () => {
    const limiter = new ItemExponentialRateLimiter({ baseDelayMs: 1, maxDelayMs: 1000 });
    limiter.when('a');
    limiter.when('a');
    expect(limiter.when('b')).toBe(1);
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
    expect(limiter.when('a')).toBe(1);
  });

  it('never overflows to Infinity after very many failures', () => {
    const limiter = new ItemExponentialRateLimiter({ baseDelayMs: 5, maxDelayMs: 1_000_000 });
    for (let i = 0; i < 2000; i++) limiter.when('a');
    expect(limiter.when('a')).toBe(1_000_000);
  });
});

describe('the token bucket', () => {
  it('lets a burst through at once, then spaces requests at the rate', () => {
    let now = 0;
    const bucket = new TokenBucket({ qps: 10, burst: 3, now: () => now });
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0]);
    expect(bucket.reserve()).toBeCloseTo(100);
    expect(bucket.reserve()).toBeCloseTo(200);
    now = 1000;
    // Ten tokens refilled, two of them owed: the bucket is full again (capped at the burst).
    expect(bucket.reserve()).toBe(0);
  });

  it('never limits when the rate is zero', () => {
    const bucket = new TokenBucket({ qps: 0, burst: 1 });
    expect(Array.from({ length: 100 }, () => bucket.reserve()).every((d) => d === 0)).toBe(true);
  });
});

describe('the controller rate limiter', () => {
  it('waits the longer of the key backoff and the overall rate', () => {
    let now = 0;
    const limiter = new MaxOfRateLimiter(
      new ItemExponentialRateLimiter({ baseDelayMs: 5, maxDelayMs: 1000 }),
      new BucketRateLimiter({ qps: 1, burst: 2, now: () => now }),
    );
    expect(limiter.when('a')).toBe(5);
    expect(limiter.when('b')).toBe(5);
    expect(limiter.when('c')).toBeCloseTo(1000);
    now = 10_000;
    expect(limiter.when('a')).toBe(10);
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
  });

  it('defaults to controller-runtime: 5 ms first, 1000 s at most', () => {
    const limiter = controllerRateLimiter({ qps: 0 });
    expect(limiter.when('a')).toBe(5);
    for (let i = 0; i < 40; i++) limiter.when('a');
    expect(limiter.when('a')).toBe(1_000_000);
  });
});
