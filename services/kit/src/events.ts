/**
 * Domain events for audit and other consumers: one envelope shape, carrying the W3C trace context
 * of the request that caused it, and a small publishing interface.
 */
import { randomUUID } from 'node:crypto';
import { traceHeaders } from './tracing.js';

/** What every event carries; `data` is the event type's own payload. */
export interface EventEnvelope<D = unknown> {
  id: string;
  type: string;
  /** The service that emitted it. */
  source: string;
  /** ISO 8601 time of the change. */
  time: string;
  /** The entity the event is about (an account or profile id). */
  subject: string;
  schemaVersion: number;
  data: D;
  traceparent?: string;
  tracestate?: string;
}

/** A message ready for Kafka: keyed by subject so one entity's events stay in order. */
export interface OutgoingMessage {
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** Publishes messages; the KafkaJS implementation is `createKafkaPublisher`. */
export interface EventPublisher {
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

/** Builds an event in the active trace context. */
export function newEvent<D>(e: {
  type: string;
  source: string;
  subject: string;
  data: D;
  schemaVersion?: number;
}): EventEnvelope<D> {
  const trace = traceHeaders();
  return {
    id: randomUUID(),
    type: e.type,
    source: e.source,
    time: new Date().toISOString(),
    subject: e.subject,
    schemaVersion: e.schemaVersion ?? 1,
    data: e.data,
    ...(trace.traceparent ? { traceparent: trace.traceparent } : {}),
    ...(trace.tracestate ? { tracestate: trace.tracestate } : {}),
  };
}

/** The Kafka message of an event: trace context and type in headers, the envelope as JSON value. */
export function toMessage(topic: string, event: EventEnvelope): OutgoingMessage {
  const headers: Record<string, string> = { 'quire-event-type': event.type, 'quire-event-id': event.id };
  if (event.traceparent) headers.traceparent = event.traceparent;
  if (event.tracestate) headers.tracestate = event.tracestate;
  return { topic, key: event.subject, value: JSON.stringify(event), headers };
}
