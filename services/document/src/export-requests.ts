/**
 * Export requests: accepted here, recorded, and handed to the Export service through
 * `quire.export.requests` (keyed by export id) in the same transaction, so none is lost.
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
import { CreateExport, DocumentId, Export, type ExportInput } from './schemas.js';

interface ExportRow {
  id: string;
  owner_id: string;
  requested_by: string;
  format: string;
  status: string;
  created_at: Date;
}

const toView = (r: ExportRow) => ({
  id: r.id,
  ownerId: r.owner_id,
  requestedBy: r.requested_by,
  format: r.format,
  status: r.status,
  createdAt: r.created_at.toISOString(),
});

const isAdmin = (p: Principal) => p.roles.includes('admin');

/** Records an export request and its message for the Export service. */
async function requestExport(
  pool: pg.Pool,
  topics: DocumentTopics,
  principal: Principal,
  input: ExportInput,
) {
  const ownerId = input.ownerId ?? principal.subject;
  if (ownerId !== principal.subject && !isAdmin(principal)) {
    throw new NotAllowedError("Only admins may export another user's documents");
  }
  const id = randomUUID();
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<ExportRow>(
      'INSERT INTO exports (id, requested_by, owner_id, format) VALUES ($1, $2, $3, $4) RETURNING *',
      [id, principal.subject, ownerId, input.format],
    );
    const event = exportRequested({
      id,
      requestedBy: principal.subject,
      ownerId,
      format: input.format,
      documentIds: input.documentIds,
    });
    await enqueueEvent(client, topics.exports, event);
    return toView(rows[0] as ExportRow);
  });
}

/** Declares the export routes. */
export function exportRoutes(pool: pg.Pool, topics: DocumentTopics) {
  return (r: ApiRouter): void => {
    r.route(
      {
        method: 'post',
        path: '/v1/exports',
        operationId: 'requestExport',
        summary: "Request an export of a user's documents (the caller's; admins: anyone's)",
        tags: ['exports'],
        authenticated: true,
        body: CreateExport,
        responses: { 202: { description: 'The export was requested', body: Export } },
        problems: [403],
      },
      async ({ body, principal }) => {
        const exp = await requestExport(pool, topics, principal, body);
        return { status: 202, headers: { Location: `/v1/exports/${exp.id}` }, body: exp };
      },
    );

    r.route(
      {
        method: 'get',
        path: '/v1/exports/:id',
        operationId: 'getExport',
        summary: 'Read an export request (its requester, owner or an admin)',
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
        return { status: 200, body: toView(row) };
      },
    );
  };
}
