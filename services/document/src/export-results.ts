/**
 * Export outcomes: the Export service publishes `export.ready` or `export.failed` on
 * `quire.export.results`, and Document records each on its `exports` row, so the status users read
 * (`GET /v1/exports/:id`) has one owner. An outcome is applied once (its event id is claimed in
 * `processed_events` in the same transaction) and the first outcome of an export wins.
 *
 * An outcome is never dropped: one whose data breaks the kit's contract fails its export at once
 * (the requester hears it ended, audit keeps the event), and one that cannot be recorded because
 * PostgreSQL is away is retried with backoff until it is, holding up its partition meanwhile.
 */
import {
  type EventConsumer,
  type EventEnvelope,
  ExportFailed,
  ExportReady,
  exportEventTypes,
  handleOnce,
  type KafkaAccess,
  startEventConsumer,
  UnprocessableEventError,
} from '@quire/kit';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { z } from 'zod';

/** The name Document claims event ids under in `processed_events`. */
const consumer = 'document';

/** What applying an event did: recorded an outcome, saw it before, or found no export waiting for it. */
export type ResultOutcome = 'completed' | 'failed' | 'duplicate' | 'ignored';

/** The columns an outcome sets, from the event's data (which must follow the contract). */
function columnsOf(event: EventEnvelope) {
  const ready = event.type === exportEventTypes.ready;
  const parsed = (ready ? ExportReady : ExportFailed).safeParse(event.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UnprocessableEventError(
      `The ${event.type} event is invalid: ${issue?.path.join('.')} ${issue?.message}`,
    );
  }
  const d = parsed.data as Partial<ExportReady & ExportFailed> & { exportId: string };
  return {
    exportId: d.exportId,
    status: ready ? ('completed' as const) : ('failed' as const),
    values: [
      d.downloadUrl ?? null,
      d.expiresAt ?? null,
      d.archiveBytes ?? null,
      d.documentCount ?? null,
      d.skippedCount ?? null,
      d.reason ?? null,
    ],
  };
}

/** Records one outcome on its export; other event types on the topic are ignored. */
export async function applyExportResult(pool: pg.Pool, event: EventEnvelope): Promise<ResultOutcome> {
  if (event.type !== exportEventTypes.ready && event.type !== exportEventTypes.failed) return 'ignored';
  const { exportId, status, values } = columnsOf(event);
  const applied = await handleOnce(pool, consumer, event.id, async (client) => {
    const { rowCount } = await client.query(
      `UPDATE exports SET status = $2, download_url = $3, expires_at = $4, archive_bytes = $5,
              document_count = $6, skipped_count = $7, error = $8, finished_at = now()
        WHERE id = $1 AND status = 'requested'`,
      [exportId, status, ...values],
    );
    return (rowCount ?? 0) > 0;
  });
  if (applied.duplicate) return 'duplicate';
  return applied.result ? status : 'ignored';
}

/** Fails the export of an outcome that cannot be read, so its requester is not left waiting. */
async function failUnreadable(pool: pg.Pool, event: EventEnvelope): Promise<boolean> {
  const id = z.object({ exportId: z.uuid() }).safeParse(event.data);
  if (!id.success) return false;
  const applied = await handleOnce(pool, consumer, event.id, async (client) => {
    const { rowCount } = await client.query(
      `UPDATE exports SET status = 'failed', error = $2, finished_at = now()
        WHERE id = $1 AND status = 'requested'`,
      [id.data.exportId, 'The outcome of the export could not be read; request the export again'],
    );
    return (rowCount ?? 0) > 0;
  });
  return !applied.duplicate && applied.result;
}

export interface ExportResultsOptions {
  pool: pg.Pool;
  brokers: string[];
  /** TLS and the SASL login (the kit Kafka config's `access`); none for plain TCP. */
  access?: KafkaAccess;
  logger: Logger;
  topic: string;
  registry?: Registry;
  groupId?: string;
}

/** Joins Document's consumer group on the export results and records each outcome until `stop`. */
export function startExportResultsConsumer(options: ExportResultsOptions): Promise<EventConsumer> {
  const { pool, logger } = options;
  return startEventConsumer({
    brokers: options.brokers,
    ...(options.access ? { access: options.access } : {}),
    clientId: 'quire-document',
    groupId: options.groupId ?? 'quire-document',
    topics: [options.topic],
    // Outcomes published before the group first joined still concern exports waiting here.
    fromBeginning: true,
    logger,
    ...(options.registry ? { registry: options.registry } : {}),
    handle: async (event) => {
      const outcome = await applyExportResult(pool, event);
      if (outcome === 'completed' || outcome === 'failed') {
        logger.info({ exportId: event.subject, status: outcome }, 'Recorded the outcome of an export');
      } else if (outcome === 'ignored') {
        logger.debug({ eventId: event.id, type: event.type }, 'Ignored an event about no waiting export');
      }
    },
    // No dead-letter topic: the kit calls this, retrying while it throws, once it gives up on an event.
    deadLetter: async (event, _origin, err) => {
      if (err instanceof UnprocessableEventError) {
        if (await failUnreadable(pool, event))
          logger.warn({ exportId: event.subject }, 'Failed an export whose outcome could not be read');
        return;
      }
      // PostgreSQL was away for every attempt: keep trying, a valid outcome must not be lost.
      await applyExportResult(pool, event);
    },
  });
}
