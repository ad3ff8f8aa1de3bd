/**
 * The trash: one owner's deleted documents that can still be restored, newest deletion first, a page
 * at a time (keyset on deleted_at, id). A deleted document can be restored while its content waits in
 * `object_cleanup` (content-cleanup.ts), so the row's `not_before` (the deletion plus the content
 * retention) is the deadline shown; once it has passed the cleanup may remove the content at any
 * moment, so the document is no longer offered, and once the content is gone it has no row at all.
 */
import { decodeCursor, encodeCursor, NotAllowedError, type Principal } from '@quire/kit';
import type pg from 'pg';
import { z } from 'zod';
import { type DocumentRow, type DocumentView, documentColumns, viewsOf } from './document-model.js';
import type { DeletedDocumentView, DeletedFilter } from './schemas.js';

/** deleted_at in microseconds since the epoch (as text, to keep every digit) and the id. */
const position = z.tuple([z.string().regex(/^\d{1,20}$/), z.uuid()]);

type DeletedRow = DocumentRow & { deleted_at: Date; deleted_us: string; restorable_until: Date };

/** One page of the restorable deleted documents of `filter.owner` (default: the caller), newest deletion first. */
export async function listDeletedDocuments(
  pool: pg.Pool,
  principal: Principal,
  filter: DeletedFilter,
): Promise<{ items: DeletedDocumentView[]; nextCursor?: string }> {
  const owner = filter.owner ?? principal.subject;
  if (owner !== principal.subject && !principal.roles.includes('admin')) {
    throw new NotAllowedError("Only admins may list another user's deleted documents");
  }
  const values: unknown[] = [owner];
  let after = '';
  if (filter.cursor) {
    const [deletedUs, id] = decodeCursor(filter.cursor, position);
    values.push(deletedUs, id);
    after = `AND (d.deleted_at, d.id) < (timestamptz 'epoch' + $2::bigint * interval '1 microsecond', $3::uuid)`;
  }
  values.push(filter.limit + 1);
  const { rows } = await pool.query<DeletedRow>(
    `SELECT ${documentColumns}, restorable_until,
            (extract(epoch from deleted_at) * 1000000)::bigint::text AS deleted_us
       FROM (SELECT d.*, c.not_before AS restorable_until
               FROM documents d JOIN object_cleanup c ON c.object_key = d.object_key AND c.not_before > now()
              WHERE d.owner_id = $1 AND d.deleted_at IS NOT NULL ${after}) restorable
      ORDER BY deleted_at DESC, id DESC LIMIT $${values.length}`,
    values,
  );
  const page = rows.slice(0, filter.limit);
  const views = await viewsOf(pool, page);
  const last = page.at(-1);
  return {
    items: page.map((r, i) => ({
      ...(views[i] as DocumentView),
      deletedAt: r.deleted_at.toISOString(),
      restorableUntil: r.restorable_until.toISOString(),
    })),
    ...(rows.length > filter.limit && last ? { nextCursor: encodeCursor([last.deleted_us, last.id]) } : {}),
  };
}
