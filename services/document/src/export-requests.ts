/**
 * Export requests: accepted here, recorded, and handed to the Export service through
 * `quire.export.requests` (keyed by export id) in the same transaction, so none is lost. The request
 * lists the documents as the requester could read them at that moment (export-listing.ts). Export's
 * outcome comes back on `quire.export.results` (export-results.ts): Document owns the status users read.
 */
import { randomUUID } from 'node:crypto';
import {
  type ApiRouter,
  enqueueEvent,
  NotAllowedError,
  NotFoundError,
  type Principal,
  withTransaction,
} from '@quire/kit';
import type pg from 'pg';
import { type DocumentTopics, exportRequested } from './document-events.js';
import { exportableDocuments, requireSendable } from './export-listing.js';
import { CreateExport, DocumentId, Export, type ExportInput, type ExportView } from './schemas.js';

export interface ExportRow {
  id: string;
  owner_id: string;
  requested_by: string;
  format: string;
  status: 'requested' | 'completed' | 'failed';
  created_at: Date;
  download_url: string | null;
  expires_at: Date | null;
  archive_bytes: string | null;
  document_count: number | null;
  skipped_count: number | null;
  error: string | null;
  finished_at: Date | null;
}

/** The export as the API shows it; a completed export whose link has expired is `expired`, without the link. */
export function toExportView(r: ExportRow, now = new Date()): ExportView {
  const expired = r.status === 'completed' && r.expires_at !== null && r.expires_at <= now;
  return {
    id: r.id,
    ownerId: r.owner_id,
    requestedBy: r.requested_by,
    format: r.format,
    status: expired ? 'expired' : r.status,
    createdAt: r.created_at.toISOString(),
    ...(r.finished_at ? { finishedAt: r.finished_at.toISOString() } : {}),
    ...(r.download_url && !expired ? { downloadUrl: r.download_url } : {}),
    ...(r.expires_at ? { expiresAt: r.expires_at.toISOString() } : {}),
    ...(r.document_count !== null ? { documentCount: r.document_count } : {}),
    ...(r.skipped_count !== null ? { skippedCount: r.skipped_count } : {}),
    ...(r.archive_bytes !== null ? { archiveBytes: Number(r.archive_bytes) } : {}),
    ...(r.error !== null ? { error: r.error } : {}),
  };
}

const isAdmin = (p: Principal) => p.roles.includes('admin');

/** Records an export request and its message for the Export service, listing what it exports. */
async function requestExport(
  pool: pg.Pool,
  topics: DocumentTopics,
  bucket: string,
  principal: Principal,
  input: ExportInput,
) {
  const ownerId = input.ownerId ?? principal.subject;
  if (ownerId !== principal.subject && !isAdmin(principal)) {
    throw new NotAllowedError("Only admins may export another user's documents");
  }
  const id = randomUUID();
  return withTransaction(pool, async (client) => {
    const documents = await exportableDocuments(client, {
      principal,
      ownerId,
      documentIds: input.documentIds,
    });
    const event = exportRequested({
      exportId: id,
      requestedBy: principal.subject,
      ownerId,
      format: input.format,
      requesterIsAdmin: isAdmin(principal),
      sourceBucket: bucket,
      documents,
    });
    requireSendable(event);
    const { rows } = await client.query<ExportRow>(
      'INSERT INTO exports (id, requested_by, owner_id, format) VALUES ($1, $2, $3, $4) RETURNING *',
      [id, principal.subject, ownerId, input.format],
    );
    await enqueueEvent(client, topics.exports, event);
    return toExportView(rows[0] as ExportRow);
  });
}

/** Declares the export routes; `bucket` is where Document keeps content, which Export reads. */
export function exportRoutes(pool: pg.Pool, topics: DocumentTopics, bucket: string) {
  return (r: ApiRouter): void => {
    r.route(
      {
        method: 'post',
        path: '/v1/exports',
        operationId: 'requestExport',
        summary:
          "Request an export of a user's documents (the caller's; admins: anyone's), or of the listed ones the caller may read",
        tags: ['exports'],
        authenticated: true,
        body: CreateExport,
        responses: { 202: { description: 'The export was requested', body: Export } },
        problems: [403],
      },
      async ({ body, principal }) => {
        const exp = await requestExport(pool, topics, bucket, principal, body);
        return { status: 202, headers: { Location: `/v1/exports/${exp.id}` }, body: exp };
      },
    );

    r.route(
      {
        method: 'get',
        path: '/v1/exports/:id',
        operationId: 'getExport',
        summary:
          'Read an export and how it ended: its download link, or why it failed (its requester, owner or an admin)',
        tags: ['exports'],
        authenticated: true,
        params: DocumentId,
        responses: { 200: { description: 'The export request', body: Export } },
        problems: [404],
      },
      async ({ params, principal }) => {
        const { rows } = await pool.query<ExportRow>('SELECT * FROM exports WHERE id = $1', [params.id]);
        const row = rows[0];
        const mine = row && (row.requested_by === principal.subject || row.owner_id === principal.subject);
        if (!row || !(mine || isAdmin(principal))) throw new NotFoundError('No export has this id');
        return { status: 200, body: toExportView(row) };
      },
    );
  };
}
