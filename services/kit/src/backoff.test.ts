import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

const schedule = { initialMs: 1_000, maxMs: 30_000 };

describe('the backoff schedule', () => {
  it('doubles the ceiling with each attempt until it reaches the cap, then stays there', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 100].map((n) => backoffDelay(n, schedule, 0.999_999));
    expect(ceilings).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('waits at least half of the ceiling, so retries never come back to back', () => {
    expect(backoffDelay(1, schedule, 0)).toBe(500);
    expect(backoffDelay(10, schedule, 0)).toBe(15_000);
  });

  it('spreads replicas that retry together over the upper half of the ceiling', () => {
    const delays = [0, 0.25, 0.5, 0.75].map((r) => backoffDelay(3, schedule, r));
    expect(delays).toEqual([2_000, 2_500, 3_000, 3_500]);
  });

  it('never exceeds the cap, however many attempts failed', () => {
    expect(backoffDelay(5_000, schedule, 0.999_999)).toBeLessThanOrEqual(30_000);
  });

  it('when the attempt is not a whole number from 1, it says so', () => {
    expect(() => backoffDelay(0, schedule)).toThrow(/whole number from 1, not 0/);
    expect(() => backoffDelay(1.5, schedule)).toThrow(/not 1.5/);
  });
});
