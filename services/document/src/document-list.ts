/** Listing the documents a caller may read, filtered, in creation order, a page at a time (keyset on created_at, id). */
import { decodeCursor, encodeCursor, type Principal } from '@quire/kit';
import type pg from 'pg';
import { z } from 'zod';
import { type DocumentRow, type DocumentView, documentColumns, viewsOf } from './document-model.js';
import type { ListFilter } from './schemas.js';

/** created_at in microseconds since the epoch (as text, to keep every digit) and the id. */
const position = z.tuple([z.string().regex(/^\d{1,20}$/), z.uuid()]);

/** One page of the documents `principal` may read (admins: all), matching `filter`. */
export async function listDocuments(
  pool: pg.Pool,
  principal: Principal,
  filter: ListFilter,
): Promise<{ items: DocumentView[]; nextCursor?: string }> {
  const where = ['d.deleted_at IS NULL'];
  const values: unknown[] = [];
  const add = (clause: (n: number) => string, value: unknown) => {
    values.push(value);
    where.push(clause(values.length));
  };
  if (!principal.roles.includes('admin')) {
    add(
      (n) =>
        `(d.owner_id = $${n} OR EXISTS (SELECT 1 FROM document_shares s WHERE s.document_id = d.id AND s.user_id = $${n}))`,
      principal.subject,
    );
  }
  if (filter.cursor) {
    const [createdUs, id] = decodeCursor(filter.cursor, position);
    values.push(createdUs, id);
    where.push(
      `(d.created_at, d.id) > (timestamptz 'epoch' + $${values.length - 1}::bigint * interval '1 microsecond', $${values.length}::uuid)`,
    );
  }
  if (filter.owner) add((n) => `d.owner_id = $${n}`, filter.owner);
  if (filter.tags?.length) add((n) => `d.tags @> $${n}::text[]`, filter.tags);
  if (filter.contentType) add((n) => `d.content_type = $${n}`, filter.contentType.toLowerCase());
  if (filter.createdFrom) add((n) => `d.created_at >= $${n}`, filter.createdFrom);
  if (filter.createdTo) add((n) => `d.created_at < $${n}`, filter.createdTo);
  values.push(filter.limit + 1);
  const { rows } = await pool.query<DocumentRow>(
    `SELECT ${documentColumns} FROM documents d WHERE ${where.join(' AND ')} ORDER BY d.created_at, d.id LIMIT $${values.length}`,
    values,
  );
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    items: await viewsOf(pool, page),
    ...(rows.length > filter.limit && last ? { nextCursor: encodeCursor([last.created_us, last.id]) } : {}),
  };
}
