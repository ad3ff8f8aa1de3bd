/**
 * Turning events into notifications: document events (shares), Auth events (logins) and export
 * results. Each event's notifications, the rules' state and the webhook deliveries are written in
 * one transaction with the event's id, so a redelivered event adds nothing.
 */
import {
  type EventConsumer,
  type EventEnvelope,
  eventTopic,
  handleOnce,
  type KafkaAccess,
  startEventConsumer,
} from '@quire/kit';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { draftsFor } from './notification-rules.js';
import { deliver } from './notification-store.js';

export const notificationTopics = [eventTopic('document'), eventTopic('auth'), 'quire.export.results'];
export const notificationDeadLetterTopic = 'quire.notification.dead-letter';

/** Applies one event; returns how many notifications it stored (0 for a redelivery). */
export async function applyEvent(
  pool: pg.Pool,
  event: EventEnvelope,
): Promise<{ duplicate: boolean; stored: number }> {
  const outcome = await handleOnce(pool, 'notification', event.id, async (client) => {
    let stored = 0;
    for (const draft of await draftsFor(client, event))
      if (await deliver(client, event.id, draft)) stored += 1;
    return stored;
  });
  return outcome.duplicate ? { duplicate: true, stored: 0 } : { duplicate: false, stored: outcome.result };
}

/** Starts the consumer group; `onStored` hears of new notifications (to wake the webhook dispatcher). */
export function startNotificationConsumer(options: {
  pool: pg.Pool;
  brokers: string[];
  /** TLS and the SASL login (the kit Kafka config's `access`); none for plain TCP. */
  access?: KafkaAccess;
  logger: Logger;
  registry?: Registry;
  groupId?: string;
  topics?: string[];
  deadLetterTopic?: string;
  commitIntervalMs?: number;
  sessionTimeoutMs?: number;
  /** Where a group without committed offsets starts (default: at new events; tests read from the start). */
  fromBeginning?: boolean;
  onStored?: () => void;
  onDuplicate?: (eventId: string) => void;
}): Promise<EventConsumer> {
  return startEventConsumer({
    brokers: options.brokers,
    ...(options.access ? { access: options.access } : {}),
    clientId: 'quire-notification',
    groupId: options.groupId ?? 'quire-notification',
    topics: options.topics ?? notificationTopics,
    // Notifications are about what happens from now on: a new group does not replay a week of events.
    fromBeginning: options.fromBeginning ?? false,
    logger: options.logger,
    deadLetterTopic: options.deadLetterTopic ?? notificationDeadLetterTopic,
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.commitIntervalMs ? { commitIntervalMs: options.commitIntervalMs } : {}),
    ...(options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
    handle: async (event) => {
      const { duplicate, stored } = await applyEvent(options.pool, event);
      if (duplicate) options.onDuplicate?.(event.id);
      if (stored > 0) options.onStored?.();
    },
  });
}
