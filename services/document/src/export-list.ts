/**
 * The caller's exports, newest first, a page at a time (keyset on created_at, id, as documents are
 * paged): those they requested and those of their documents, which are the exports GET
 * /v1/exports/:id shows them. Admins may name another user, as they may read any export.
 */
import { type ApiRouter, decodeCursor, encodeCursor, NotAllowedError, type Principal } from '@quire/kit';
import type pg from 'pg';
import { z } from 'zod';
import { type ExportRow, toExportView } from './export-requests.js';
import { type ExportFilter, ExportPage, type ExportView, ListExportsQuery } from './schemas.js';

/** created_at in microseconds since the epoch (as text, to keep every digit) and the id. */
const position = z.tuple([z.string().regex(/^\d{1,20}$/), z.uuid()]);

/** One page of the exports `filter.user` (default: the caller) requested or owns, newest first. */
export async function listExports(
  pool: pg.Pool,
  principal: Principal,
  filter: ExportFilter,
): Promise<{ items: ExportView[]; nextCursor?: string }> {
  const user = filter.user ?? principal.subject;
  if (user !== principal.subject && !principal.roles.includes('admin')) {
    throw new NotAllowedError("Only admins may list another user's exports");
  }
  const values: unknown[] = [user];
  let after = '';
  if (filter.cursor) {
    const [createdUs, id] = decodeCursor(filter.cursor, position);
    values.push(createdUs, id);
    after = `AND (created_at, id) < (timestamptz 'epoch' + $2::bigint * interval '1 microsecond', $3::uuid)`;
  }
  values.push(filter.limit + 1);
  const { rows } = await pool.query<ExportRow & { created_us: string }>(
    `SELECT *, (extract(epoch from created_at) * 1000000)::bigint::text AS created_us FROM exports
      WHERE (requested_by = $1 OR owner_id = $1) ${after}
      ORDER BY created_at DESC, id DESC LIMIT $${values.length}`,
    values,
  );
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  const now = new Date();
  return {
    items: page.map(({ created_us: _c, ...row }) => toExportView(row, now)),
    ...(rows.length > filter.limit && last ? { nextCursor: encodeCursor([last.created_us, last.id]) } : {}),
  };
}

/** Declares GET /v1/exports. */
export function exportListRoutes(pool: pg.Pool) {
  return (r: ApiRouter): void => {
    r.route(
      {
        method: 'get',
        path: '/v1/exports',
        operationId: 'listExports',
        summary:
          "List the caller's exports (requested by them or of their documents), newest first, a page at a time; admins may name another user",
        tags: ['exports'],
        authenticated: true,
        query: ListExportsQuery,
        responses: { 200: { description: 'One page; follow nextCursor for the next', body: ExportPage } },
        problems: [403],
      },
      async ({ query, principal }) => ({ status: 200, body: await listExports(pool, principal, query) }),
    );
  };
}
