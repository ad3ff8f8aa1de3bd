/**
 * Export jobs in PostgreSQL: started (or restarted) when a request is taken up, progress while the
 * archive is built, and an outcome written once, with its event in the outbox and the request's
 * event id, in one transaction: a request handled twice (a redelivery, a restarted worker) still
 * ends in one job, one archive key and one `export.ready`.
 */
import { claimEvent, enqueueEvent, newEvent, withTransaction } from '@quire/kit';
import type pg from 'pg';

export const exportResultsTopic = 'quire.export.results';

export interface JobStart {
  exportId: string;
  requestedBy: string;
  ownerId: string;
  documentsTotal: number;
}

/** Starts the job, or starts it again; returns undefined when it already finished (nothing to do). */
export async function startJob(pool: pg.Pool, job: JobStart): Promise<{ runs: number } | undefined> {
  const { rows } = await pool.query<{ status: string; runs: number }>(
    `INSERT INTO export_jobs (export_id, requested_by, owner_id, status, documents_total)
     VALUES ($1, $2, $3, 'running', $4)
     ON CONFLICT (export_id) DO UPDATE
       SET runs = export_jobs.runs + 1, documents_done = 0, bytes_done = 0, updated_at = now()
       WHERE export_jobs.status = 'running'
     RETURNING status, runs`,
    [job.exportId, job.requestedBy, job.ownerId, job.documentsTotal],
  );
  return rows[0] ? { runs: rows[0].runs } : undefined;
}

/** Records how far the job got. */
export async function recordProgress(
  pool: pg.Pool,
  exportId: string,
  p: { documentsDone: number; bytesDone: number },
): Promise<void> {
  await pool.query(
    'UPDATE export_jobs SET documents_done = $2, bytes_done = $3, updated_at = now() WHERE export_id = $1',
    [exportId, p.documentsDone, p.bytesDone],
  );
}

export type Outcome =
  | {
      status: 'ready';
      archiveKey: string;
      archiveBytes: number;
      documentCount: number;
      skippedCount: number;
      downloadUrl: string;
      expiresAt: string;
    }
  | { status: 'failed'; reason: string };

/** Writes the job's outcome and its event, claiming the request's event id; false when it was handled already. */
export async function finishJob(
  pool: pg.Pool,
  consumer: string,
  eventId: string,
  job: JobStart,
  outcome: Outcome,
  topic = exportResultsTopic,
): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    if (!(await claimEvent(client, consumer, eventId))) return false;
    await client.query(
      `INSERT INTO export_jobs (export_id, requested_by, owner_id, status, documents_total)
       VALUES ($1, $2, $3, 'running', $4) ON CONFLICT (export_id) DO NOTHING`,
      [job.exportId, job.requestedBy, job.ownerId, job.documentsTotal],
    );
    const { rowCount } = await client.query(
      `UPDATE export_jobs SET status = $2, archive_key = $3, archive_bytes = $4, error = $5,
              documents_done = CASE WHEN $2 = 'ready' THEN documents_total ELSE documents_done END,
              finished_at = now(), updated_at = now()
        WHERE export_id = $1 AND status = 'running'`,
      [
        job.exportId,
        outcome.status,
        outcome.status === 'ready' ? outcome.archiveKey : null,
        outcome.status === 'ready' ? outcome.archiveBytes : null,
        outcome.status === 'failed' ? outcome.reason : null,
      ],
    );
    if (!rowCount) return true;
    const { status, ...details } = outcome;
    const { archiveKey: _key, ...visible } = details as Record<string, unknown>;
    await enqueueEvent(
      client,
      topic,
      newEvent({
        type: `export.${status}`,
        source: 'export',
        subject: job.exportId,
        data: { exportId: job.exportId, requestedBy: job.requestedBy, ownerId: job.ownerId, ...visible },
      }),
    );
    return true;
  });
}
