/**
 * Capped exponential backoff with "equal jitter": the delay before retry n is a random point in the
 * upper half of min(max, initial·2^(n-1)). Half of it is fixed, so retries never bunch up at zero;
 * the other half is random, so replicas that lost a dependency together do not come back in step.
 */

/** How long to wait between attempts: the first delay and the cap, in milliseconds. */
export interface BackoffSchedule {
  initialMs: number;
  maxMs: number;
}

/** The delay before retry `attempt` (1 for the first retry); `random` is in [0, 1), as Math.random. */
export function backoffDelay(attempt: number, schedule: BackoffSchedule, random = Math.random()): number {
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new RangeError(`The attempt must be a whole number from 1, not ${attempt}`);
  // 2 ** 1024 is Infinity: the cap is reached long before, so the exponent stops growing there.
  const ceiling = Math.min(schedule.maxMs, schedule.initialMs * 2 ** Math.min(attempt - 1, 52));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}
