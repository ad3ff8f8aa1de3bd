/**
 * Feeding the log: every platform topic, each event appended once (its id is claimed in the same
 * transaction as its entry), events that cannot be audited dead-lettered.
 */
import { type EventConsumer, eventTopic, handleOnce, type KafkaAccess, startEventConsumer } from '@quire/kit';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { entryContentOf } from './audit-chain.js';
import { appendEntry } from './audit-log.js';
import { type CheckpointSettings, defaultCheckpointSettings } from './checkpoint-policy.js';

/** Every topic the platform publishes events on: the audit log records them all. */
export const auditedTopics = [
  eventTopic('document'),
  eventTopic('user'),
  eventTopic('auth'),
  'quire.export.requests',
  'quire.export.results',
];

export const auditDeadLetterTopic = 'quire.audit.dead-letter';

/** Appends one event to the log unless it is there already; true when it was appended now. */
export async function recordEvent(
  pool: pg.Pool,
  event: Parameters<typeof entryContentOf>[0],
  checkpoints: CheckpointSettings = defaultCheckpointSettings,
): Promise<boolean> {
  const content = entryContentOf(event);
  const outcome = await handleOnce(pool, 'audit', content.eventId, (client) =>
    appendEntry(client, content, checkpoints),
  );
  return !outcome.duplicate;
}

/** Starts the consumer group that feeds the log. */
export function startAuditConsumer(options: {
  pool: pg.Pool;
  brokers: string[];
  /** TLS and the SASL login (the kit Kafka config's `access`); none for plain TCP. */
  access?: KafkaAccess;
  logger: Logger;
  registry?: Registry;
  /** When appends record a checkpoint (default: every 1,000 entries or 5 minutes). */
  checkpoints?: CheckpointSettings;
  groupId?: string;
  topics?: string[];
  deadLetterTopic?: string;
  maxAttempts?: number;
  commitIntervalMs?: number;
  sessionTimeoutMs?: number;
  /** Told about each event that was a redelivery (tests count them). */
  onDuplicate?: (eventId: string) => void;
}): Promise<EventConsumer> {
  return startEventConsumer({
    brokers: options.brokers,
    ...(options.access ? { access: options.access } : {}),
    clientId: 'quire-audit',
    groupId: options.groupId ?? 'quire-audit',
    topics: options.topics ?? auditedTopics,
    fromBeginning: true,
    logger: options.logger,
    deadLetterTopic: options.deadLetterTopic ?? auditDeadLetterTopic,
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.commitIntervalMs ? { commitIntervalMs: options.commitIntervalMs } : {}),
    ...(options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
    handle: async (event) => {
      if (!(await recordEvent(options.pool, event, options.checkpoints))) options.onDuplicate?.(event.id);
    },
  });
}
