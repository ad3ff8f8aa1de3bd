/**
 * Handling one export request: check it, build the archive of what the requester may read, sign a
 * download link that expires, and write the outcome. Transient failures (storage away) are thrown so
 * the consumer retries with backoff; on the last attempt, and for failures no retry can fix, the
 * export is reported failed instead, so the requester always hears how it ended.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type EventEnvelope, type EventOrigin, wasProcessed } from '@quire/kit';
import type pg from 'pg';
import type { Logger } from 'pino';
import { buildArchive, ContentMismatchError } from './archive-builder.js';
import type { ExportSettings } from './config.js';
import { exportResultsTopic, finishJob, type JobStart, recordProgress, startJob } from './export-jobs.js';
import { parseExportRequest, readableBy } from './export-request.js';

export interface WorkerDeps {
  pool: pg.Pool;
  s3: S3Client;
  /** The export bucket, where archives go. */
  bucket: string;
  logger: Logger;
  settings: ExportSettings;
  resultsTopic?: string;
}

const consumer = 'export';

/** The archive's key: one per export, so a retried or restarted job overwrites rather than duplicates it. */
export const archiveKeyOf = (exportId: string) => `exports/${exportId}.zip`;

/** Handles one `export.requested` event (a redelivery is recognised and skipped). */
export async function handleExportRequest(
  deps: WorkerDeps,
  event: EventEnvelope,
  origin: Pick<EventOrigin, 'attempt'>,
) {
  if (await wasProcessed(deps.pool, consumer, event.id)) return 'duplicate';
  const request = parseExportRequest(event);
  const { allowed, refused } = readableBy(request);
  const job: JobStart = {
    exportId: request.exportId,
    requestedBy: request.requestedBy,
    ownerId: request.ownerId,
    documentsTotal: allowed.length,
  };
  const finish = (outcome: Parameters<typeof finishJob>[4]) =>
    finishJob(deps.pool, consumer, event.id, job, outcome, deps.resultsTopic ?? exportResultsTopic);
  if (request.problem) {
    await finish({ status: 'failed', reason: request.problem });
    return 'failed';
  }
  const started = await startJob(deps.pool, job);
  if (!started) {
    await finish({ status: 'failed', reason: 'already finished' });
    return 'duplicate';
  }
  const log = deps.logger.child({ exportId: job.exportId, documents: allowed.length, run: started.runs });
  log.info({ refused: refused.length }, 'Started an export');
  const key = archiveKeyOf(job.exportId);
  const t0 = performance.now();
  try {
    const { bytes, manifest } = await buildArchive({
      s3: deps.s3,
      sourceBucket: request.sourceBucket as string,
      targetBucket: deps.bucket,
      key,
      documents: allowed,
      partSizeBytes: deps.settings.partSizeBytes,
      manifest: {
        format: 'quire-export/1',
        exportId: job.exportId,
        requestedBy: job.requestedBy,
        ownerId: job.ownerId,
        createdAt: event.time,
        skipped: refused.map((d) => ({ id: d.id, title: d.title, reason: 'not-readable' as const })),
      },
      onProgress: (p) => recordProgress(deps.pool, job.exportId, p),
    });
    const ttl = deps.settings.linkTtlSeconds;
    const downloadUrl = await getSignedUrl(
      deps.s3,
      new GetObjectCommand({
        Bucket: deps.bucket,
        Key: key,
        ResponseContentType: 'application/zip',
        ResponseContentDisposition: `attachment; filename="quire-export-${job.exportId}.zip"`,
      }),
      { expiresIn: ttl },
    );
    await finish({
      status: 'ready',
      archiveKey: key,
      archiveBytes: bytes,
      documentCount: manifest.documents.length,
      skippedCount: manifest.skipped.length,
      downloadUrl,
      expiresAt: new Date(Date.now() + ttl * 1000).toISOString(),
    });
    log.info({ bytes, durationMs: Math.round(performance.now() - t0) }, 'Finished an export');
    return 'ready';
  } catch (err) {
    const permanent = err instanceof ContentMismatchError;
    if (!permanent && origin.attempt < deps.settings.maxAttempts) throw err;
    log.error({ err }, 'Failed an export');
    await finish({
      status: 'failed',
      reason: permanent ? (err as Error).message : 'The archive could not be built',
    });
    return 'failed';
  }
}
