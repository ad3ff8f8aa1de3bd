/** Reading events off Kafka: whether a message is an event envelope, and the failure no retry can fix. */
import type { EventEnvelope } from './events.js';

/** Thrown by a handler for an event that no retry can fix (it breaks the schema): dead-lettered at once. */
export class UnprocessableEventError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnprocessableEventError';
  }
}

/** Parses a message value as an event envelope; undefined when it is not one. */
export function parseEnvelope(value: Buffer | null): EventEnvelope | undefined {
  if (!value) return undefined;
  try {
    const e = JSON.parse(value.toString('utf8')) as Partial<EventEnvelope>;
    const ok =
      typeof e.id === 'string' &&
      typeof e.type === 'string' &&
      typeof e.subject === 'string' &&
      typeof e.schemaVersion === 'number';
    return ok ? (e as EventEnvelope) : undefined;
  } catch {
    return undefined;
  }
}
