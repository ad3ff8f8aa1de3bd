/**
 * What an export request lists, read when it is accepted: the documents as the kit's export contract
 * describes them, each with its readers and where its content is, so Export needs no access to
 * Document's schema. Without `documentIds`, the owner's documents (owned or shared with them); with
 * them, the ones the requester may read (admins: any). Deleted documents and ids the requester may
 * not read are left out, as a list of documents leaves them out.
 */
import { type EventEnvelope, type ExportDocument, InputError, type Principal } from '@quire/kit';
import type pg from 'pg';

/** The most documents one request lists (the contract's limit); more are refused before being read. */
export const maxExportDocuments = 10_000;

/**
 * The largest request accepted, serialised. It travels as one Kafka message, which the brokers
 * refuse over `message.max.bytes` (1 MiB by default); a refused message would hold up the outbox
 * relay, and every document event behind it, for good. The rest of the MiB is room for the record's
 * key and headers. About 450 bytes per document: some 2,000 documents with a few readers each.
 */
export const maxExportRequestBytes = 900 * 1024;

interface ListedRow {
  id: string;
  version: number;
  title: string;
  content_type: string;
  size_bytes: string;
  sha256: string;
  object_key: string;
  tags: string[];
  owner_id: string;
  sharees: string[];
  created_at: Date;
  updated_at: Date;
}

const toExportDocument = (r: ListedRow): ExportDocument => ({
  id: r.id,
  version: r.version,
  title: r.title,
  contentType: r.content_type,
  size: Number(r.size_bytes),
  sha256: r.sha256,
  objectKey: r.object_key,
  tags: r.tags,
  // The owner first, then the sharees in the order they were added, as `readersOf` lists them.
  readers: [r.owner_id, ...r.sharees],
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const readableBy = (n: number) =>
  `(d.owner_id = $${n} OR EXISTS (SELECT 1 FROM document_shares x WHERE x.document_id = d.id AND x.user_id = $${n}))`;

/** The documents an export of `ownerId`'s documents (or of `documentIds`) lists, oldest first. */
export async function exportableDocuments(
  db: pg.ClientBase | pg.Pool,
  selection: { principal: Principal; ownerId: string; documentIds: string[] | undefined },
): Promise<ExportDocument[]> {
  const { principal, ownerId, documentIds } = selection;
  const values: unknown[] = [];
  let where: string;
  if (documentIds) {
    values.push(documentIds);
    where = 'd.id = ANY($1::uuid[])';
    if (!principal.roles.includes('admin')) {
      values.push(principal.subject);
      where += ` AND ${readableBy(2)}`;
    }
  } else {
    values.push(ownerId);
    where = readableBy(1);
  }
  values.push(maxExportDocuments + 1);
  const { rows } = await db.query<ListedRow>(
    `SELECT d.id, d.version, d.title, d.content_type, d.size_bytes, d.sha256, d.object_key, d.tags, d.owner_id,
            d.created_at, d.updated_at,
            coalesce(array_agg(s.user_id ORDER BY s.created_at, s.user_id) FILTER (WHERE s.user_id IS NOT NULL),
                     '{}'::text[]) AS sharees
       FROM documents d LEFT JOIN document_shares s ON s.document_id = d.id
      WHERE d.deleted_at IS NULL AND ${where}
      GROUP BY d.id
      ORDER BY d.created_at, d.id
      LIMIT $${values.length}`,
    values,
  );
  if (rows.length > maxExportDocuments) throw tooMany(`more than ${maxExportDocuments} documents`);
  return rows.map(toExportDocument);
}

const tooMany = (what: string) =>
  new InputError(`The export would list ${what}, more than one request can carry`, [
    {
      field: 'documentIds',
      rule: 'too-many',
      message: 'export fewer documents at a time: name them in documentIds',
      in: 'body',
    },
  ]);

/** Refuses a request too large to travel as one Kafka message (see `maxExportRequestBytes`). */
export function requireSendable(
  event: EventEnvelope<{ documents: unknown[] }>,
  maxBytes = maxExportRequestBytes,
) {
  const bytes = Buffer.byteLength(JSON.stringify(event));
  if (bytes > maxBytes) {
    throw tooMany(`${event.data.documents.length} documents (${bytes} bytes; at most ${maxBytes})`);
  }
}
