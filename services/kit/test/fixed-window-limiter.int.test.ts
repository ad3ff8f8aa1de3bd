// The kit's fixed-window limiter against the stack's real Redis: counting, refusing with Retry-After,
// expiry, resets, and keys that never share a count.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitedError } from '../src/errors.js';
import { FixedWindowLimiter } from '../src/fixed-window-limiter.js';
import { connectRedis, type RedisClient } from '../src/redis.js';
import { testSetting } from '../src/testing/index.js';

let redis: RedisClient;
// Each run counts under a prefix of its own, so runs and stories never share a count.
const prefix = `quire:kit-test:limiter:${randomBytes(4).toString('hex')}:`;
const limiter = (max: number, windowSeconds: number, message?: string) =>
  new FixedWindowLimiter(redis, prefix, { max, windowSeconds }, message);
const key = () => randomBytes(6).toString('hex');

beforeAll(async () => {
  redis = await connectRedis(testSetting('QUIRE_REDIS_URL'));
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

/** The RateLimitedError a promise rejects with, or a failure if it resolves. */
async function refusal(p: Promise<unknown>): Promise<RateLimitedError> {
  const outcome = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(outcome).toBeInstanceOf(RateLimitedError);
  return outcome as RateLimitedError;
}

describe('a fixed-window limiter in Redis', () => {
  it('when a key makes max hits, each passes with its count; the next is refused with 429 and the seconds left in the window', async () => {
    const l = limiter(3, 30, 'Too many tries of this test');
    const k = key();
    const counts = [];
    for (let i = 0; i < 3; i++) counts.push((await l.consume(k)).count);
    expect(counts).toEqual([1, 2, 3]);
    const err = await refusal(l.consume(k));
    expect(err.status).toBe(429);
    expect(err.message).toBe('Too many tries of this test');
    expect(err.options.retryAfterSeconds).toBeGreaterThanOrEqual(29);
    expect(err.options.retryAfterSeconds).toBeLessThanOrEqual(30);
    // The counter expires with its window, so Redis never keeps a key for ever.
    const ttl = await redis.ttl(prefix + k);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
  });

  it('when another key hits, it has its own count and is not refused', async () => {
    const l = limiter(1, 30);
    const [ada, bob] = [key(), key()];
    await l.consume(ada);
    await refusal(l.consume(ada));
    expect((await l.consume(bob)).count).toBe(1);
  });

  it('when the window ends, the key starts a new window and passes again', async () => {
    const l = limiter(2, 1);
    const k = key();
    await l.consume(k);
    await l.consume(k);
    const err = await refusal(l.consume(k));
    expect(err.options.retryAfterSeconds).toBe(1);
    await sleep(1_100);
    expect((await l.consume(k)).count).toBe(1);
  });

  it('when hits are refused, they still count, so hammering does not shorten the wait', async () => {
    const l = limiter(1, 30);
    const k = key();
    await l.consume(k);
    await refusal(l.consume(k));
    await refusal(l.consume(k));
    expect(Number(await redis.get(prefix + k))).toBe(3);
  });

  it('when many hits arrive at once, exactly max pass', async () => {
    const l = limiter(5, 30);
    const k = key();
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => l.consume(k)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(5);
  });

  it('when a counter somehow lost its expiry, the next hit gives it one again', async () => {
    const l = limiter(10, 30);
    const k = key();
    await redis.set(prefix + k, '4');
    expect(await l.count(k)).toEqual({ count: 5, resetInSeconds: 30 });
    expect(await redis.ttl(prefix + k)).toBeGreaterThan(0);
  });

  it('when failures are only counted, the key is refused by the check once it has used its window, and passes again after a reset', async () => {
    const l = limiter(2, 30);
    const k = key();
    await l.assertNotExhausted(k);
    await l.count(k);
    await l.assertNotExhausted(k);
    await l.count(k);
    const err = await refusal(l.assertNotExhausted(k));
    expect(err.options.retryAfterSeconds).toBeGreaterThanOrEqual(29);
    // The check counts nothing.
    expect(Number(await redis.get(prefix + k))).toBe(2);
    await l.reset(k);
    await l.assertNotExhausted(k);
    expect(await redis.exists(prefix + k)).toBe(0);
  });
});
