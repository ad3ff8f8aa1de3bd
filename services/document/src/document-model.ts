/**
 * A document as stored and as shown, and who may do what with it: the owner and admins everything,
 * users it is shared with read or write it, everyone else does not learn it exists (404).
 */
import { NotAllowedError, NotFoundError, type Principal } from '@quire/kit';
import type pg from 'pg';

export type Permission = 'read' | 'write';

export interface Share {
  userId: string;
  permission: Permission;
}

/** The metadata the API answers with. */
export interface DocumentView {
  id: string;
  ownerId: string;
  title: string;
  contentType: string;
  size: number;
  sha256: string;
  tags: string[];
  version: number;
  shares: Share[];
  createdAt: string;
  updatedAt: string;
}

/** A document with what only the service sees: where its content is and its text for search. */
export interface StoredDocument extends DocumentView {
  objectKey: string;
  text: string | undefined;
  deletedAt: string | undefined;
}

export interface DocumentRow {
  id: string;
  owner_id: string;
  title: string;
  content_type: string;
  size_bytes: string;
  sha256: string;
  object_key: string;
  text_excerpt: string | null;
  tags: string[];
  version: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  created_us: string;
}

export const documentColumns = `id, owner_id, title, content_type, size_bytes, sha256, object_key, text_excerpt,
  tags, version, created_at, updated_at, deleted_at,
  (extract(epoch from created_at) * 1000000)::bigint::text AS created_us`;

export function toStored(row: DocumentRow, shares: Share[]): StoredDocument {
  return {
    id: row.id,
    ownerId: row.owner_id,
    title: row.title,
    contentType: row.content_type,
    size: Number(row.size_bytes),
    sha256: row.sha256,
    tags: row.tags,
    version: row.version,
    shares,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    objectKey: row.object_key,
    text: row.text_excerpt ?? undefined,
    deletedAt: row.deleted_at?.toISOString(),
  };
}

/** The public part of a stored document. */
export function toView(d: StoredDocument): DocumentView {
  const { objectKey: _k, text: _t, deletedAt: _d, ...view } = d;
  return view;
}

/** The shares of the given documents, by document id. */
export async function sharesOf(db: pg.ClientBase | pg.Pool, ids: string[]): Promise<Map<string, Share[]>> {
  const out = new Map<string, Share[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return out;
  const { rows } = await db.query<{ document_id: string; user_id: string; permission: Permission }>(
    'SELECT document_id, user_id, permission FROM document_shares WHERE document_id = ANY($1::uuid[]) ORDER BY created_at, user_id',
    [ids],
  );
  for (const r of rows) out.get(r.document_id)?.push({ userId: r.user_id, permission: r.permission });
  return out;
}

/** The views of a page of rows, with their shares read in one query. */
export async function viewsOf(
  db: pg.ClientBase | pg.Pool,
  rows: readonly DocumentRow[],
): Promise<DocumentView[]> {
  const shares = await sharesOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toView(toStored(r, shares.get(r.id) ?? [])));
}

export type Access = 'none' | 'read' | 'write' | 'own';
const rank: Record<Access, number> = { none: 0, read: 1, write: 2, own: 3 };

/** What the caller may do with the document. */
export function accessOf(principal: Principal, doc: DocumentView): Access {
  if (principal.roles.includes('admin') || doc.ownerId === principal.subject) return 'own';
  return doc.shares.find((s) => s.userId === principal.subject)?.permission ?? 'none';
}

/** Throws unless the caller has at least `needed`: 404 when it may not even read the document, else 403. */
export function requireAccess(
  principal: Principal,
  doc: DocumentView,
  needed: Exclude<Access, 'none'>,
): void {
  const access = accessOf(principal, doc);
  if (access === 'none') throw new NotFoundError('No document has this id');
  if (rank[access] < rank[needed]) {
    throw new NotAllowedError(
      needed === 'own'
        ? 'Only the owner of the document may do this'
        : 'The document is shared with you for reading only',
    );
  }
}

/** Everyone who may read the document (the owner first), as the search index filters by. */
export const readersOf = (doc: DocumentView): string[] => [doc.ownerId, ...doc.shares.map((s) => s.userId)];
