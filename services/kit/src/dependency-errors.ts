/**
 * Recognising failures of a dependency (PostgreSQL, Redis, Kafka) that mean "try again later"
 * rather than a bug, so the problem handler can answer 503 with Retry-After.
 */

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

const messages = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection is closed/i,
  /stream isn't writeable/i,
  /client has encountered a connection error/i,
  /Client was closed and is not queryable/i,
  /Connection terminated unexpectedly/i,
];

/** True when the error (or one of its causes) says a dependency cannot be reached right now. */
export function isDependencyUnavailable(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 4) return false;
  const e = err as Error & { code?: unknown; name: string };
  const code = typeof e.code === 'string' ? e.code : '';
  // PostgreSQL SQLSTATE class 08 (connection exception) and 57P01..03 (shutdown, cannot connect now).
  if (networkCodes.has(code) || /^08/.test(code) || /^57P0[123]$/.test(code)) return true;
  if (e.name === 'MaxRetriesPerRequestError') return true;
  if (messages.some((m) => m.test(e.message))) return true;
  if (err instanceof AggregateError && err.errors.some((x) => isDependencyUnavailable(x, depth + 1)))
    return true;
  return isDependencyUnavailable(e.cause, depth + 1);
}
