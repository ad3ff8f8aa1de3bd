/** The consumer group that takes up export requests. */
import type { S3Client } from '@aws-sdk/client-s3';
import { type EventConsumer, type KafkaAccess, startEventConsumer } from '@quire/kit';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ExportSettings } from './config.js';
import { handleExportRequest } from './export-worker.js';

export const exportRequestsTopic = 'quire.export.requests';
export const exportDeadLetterTopic = 'quire.export.dead-letter';

export function startExportConsumer(options: {
  pool: pg.Pool;
  s3: S3Client;
  bucket: string;
  brokers: string[];
  /** TLS and the SASL login (the kit Kafka config's `access`); none for plain TCP. */
  access?: KafkaAccess;
  logger: Logger;
  settings: ExportSettings;
  registry?: Registry;
  groupId?: string;
  topic?: string;
  resultsTopic?: string;
  deadLetterTopic?: string;
  sessionTimeoutMs?: number;
  onDuplicate?: (eventId: string) => void;
}): Promise<EventConsumer> {
  return startEventConsumer({
    brokers: options.brokers,
    ...(options.access ? { access: options.access } : {}),
    clientId: 'quire-export',
    groupId: options.groupId ?? 'quire-export',
    topics: [options.topic ?? exportRequestsTopic],
    fromBeginning: true,
    logger: options.logger,
    deadLetterTopic: options.deadLetterTopic ?? exportDeadLetterTopic,
    // The worker reports the export failed on its last attempt, so the consumer never gives up first.
    maxAttempts: options.settings.maxAttempts,
    retryDelayMs: { initial: 1_000, max: 30_000 },
    // Exports are long: two at a time per replica, from different partitions.
    partitionsConsumedConcurrently: 2,
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
    handle: async (event, origin) => {
      const outcome = await handleExportRequest(
        {
          pool: options.pool,
          s3: options.s3,
          bucket: options.bucket,
          logger: options.logger,
          settings: options.settings,
          ...(options.resultsTopic ? { resultsTopic: options.resultsTopic } : {}),
        },
        event,
        origin,
      );
      if (outcome === 'duplicate') options.onDuplicate?.(event.id);
    },
  });
}
