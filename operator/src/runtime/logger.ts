/**
 * JSON logs in the Kubernetes message style: the message starts with a capital letter, is in the
 * past tense and has no trailing period; the object it is about goes in a structured field named
 * for its kind (`{"ConfigMap":{"name":"a","namespace":"b"}}`), as controller-runtime logs it.
 */
import { type DestinationStream, type Logger, pino } from 'pino';
import type { ObjectKey, ResourceKind } from './resource-kind.js';

export type { Logger } from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The operator's root logger: one JSON object a line, ISO time, level names. */
export function createLogger(
  options: { level?: LogLevel; name?: string } = {},
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { logger: options.name ?? 'quire-operator' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Credentials never reach a log line, whatever object is logged.
      redact: { paths: ['*.authorization', '*.token', 'headers.authorization'], censor: '[redacted]' },
    },
    destination,
  );
}

/** A logger that writes nothing: the default of every runtime part that is given none. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** The structured field naming an object: `{ [Kind]: { name, namespace } }`. */
export function objectRef(
  kind: ResourceKind | string,
  key: ObjectKey,
): Record<string, { name: string; namespace?: string }> {
  const name = typeof kind === 'string' ? kind : kind.kind;
  return { [name]: key.namespace ? { name: key.name, namespace: key.namespace } : { name: key.name } };
}

/** An error as one log field, with its cause's message: a failed fetch keeps the reason there. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.name}: ${error.message}${cause}`;
  }
  return String(error);
}
