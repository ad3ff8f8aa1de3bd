/** How long a deleted document can still be restored, in words a person reads at a glance. */

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** "3 days left", "5 hours left", "12 minutes left", rounded down so it never promises too much. */
export function timeLeft(until: string, now: number): string {
  const ms = Date.parse(until) - now;
  if (ms < minute) return 'Less than a minute left';
  if (ms < hour) return `${count(Math.floor(ms / minute), 'minute')} left`;
  if (ms < 2 * day) return `${count(Math.floor(ms / hour), 'hour')} left`;
  return `${count(Math.floor(ms / day), 'day')} left`;
}
