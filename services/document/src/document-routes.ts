/** The Document API's metadata routes: upload a new document, list, read, change, delete and restore. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type ApiRouter, etagOf, requiredVersion } from '@quire/kit';
import type pg from 'pg';
import type { ContentReceiver } from './content-receiver.js';
import { uploadContentType } from './content-types.js';
import { listDeletedDocuments } from './deleted-list.js';
import { listDocuments } from './document-list.js';
import { toView } from './document-model.js';
import type { DocumentStore } from './document-store.js';
import {
  DeletedDocumentPage,
  Document,
  DocumentId,
  DocumentPage,
  ETagHeader,
  IfMatchHeader,
  ListDeletedDocumentsQuery,
  ListDocumentsQuery,
  UpdateDocument,
  UploadQuery,
} from './schemas.js';

/** The body's declared length, when the client sent one. */
export const contentLengthOf = (req: IncomingMessage): number | undefined => {
  const v = req.headers['content-length'];
  return v === undefined ? undefined : Number(v);
};

/** The version an optional If-Match names: undefined when absent or `*`. */
export const optionalVersion = (header: string | undefined): number | undefined =>
  header === undefined ? undefined : requiredVersion(header);

const uploadDescription = `The request body is the content, streamed to storage as it arrives (any size up to the
limit; large bodies become a multipart upload). Content-Type is the document's media type. The declared
\`size\` and \`sha256\` are verified; a mismatch, an unsupported type or a body over the limit is refused and
leaves nothing stored.`;

/** Declares the document routes. */
export function documentRoutes(deps: { pool: pg.Pool; store: DocumentStore; receiver: ContentReceiver }) {
  const { store, receiver } = deps;
  return (r: ApiRouter): void => {
    r.route(
      {
        method: 'post',
        path: '/v1/documents',
        operationId: 'uploadDocument',
        summary: 'Upload a new document',
        description: uploadDescription,
        tags: ['documents'],
        authenticated: true,
        query: UploadQuery,
        responses: { 201: { description: 'The document was stored', body: Document, headers: ETagHeader } },
        problems: [413, 415],
      },
      async ({ query, principal, req }) => {
        const contentType = uploadContentType(req.headers['content-type']);
        const id = randomUUID();
        const content = await receiver.receive(id, req, {
          contentType,
          contentLength: contentLengthOf(req),
          declared: { size: query.size, sha256: query.sha256 },
        });
        try {
          const doc = await store.create(
            id,
            principal.subject,
            { title: query.title, tags: query.tags ?? [] },
            content,
          );
          return {
            status: 201,
            headers: { ETag: etagOf(doc.version), Location: `/v1/documents/${id}` },
            body: toView(doc),
          };
        } catch (err) {
          await receiver.discard(content.key);
          throw err;
        }
      },
    );

    r.route(
      {
        method: 'get',
        path: '/v1/documents',
        operationId: 'listDocuments',
        summary: 'List the documents the caller may read (admins: all), filtered, a page at a time',
        tags: ['documents'],
        authenticated: true,
        query: ListDocumentsQuery,
        responses: { 200: { description: 'One page; follow nextCursor for the next', body: DocumentPage } },
      },
      async ({ query, principal }) => ({
        status: 200,
        body: await listDocuments(deps.pool, principal, query),
      }),
    );

    // Declared before /v1/documents/:id, which would otherwise take `deleted` for an id.
    r.route(
      {
        method: 'get',
        path: '/v1/documents/deleted',
        operationId: 'listDeletedDocuments',
        summary:
          "List the caller's deleted documents that can still be restored, newest deletion first, a page at a time; admins may name another owner",
        description: `The trash: each document as it was when deleted, with \`deletedAt\` and \`restorableUntil\`, when
the content retention ends and the cleanup may remove the content. Until then \`POST
/v1/documents/{id}/restore\` brings it back; a restored document, or one whose content is gone, is no
longer listed. Documents shared with the caller are not listed: only their owner (or an admin) may
restore them.`,
        tags: ['documents'],
        authenticated: true,
        query: ListDeletedDocumentsQuery,
        responses: {
          200: { description: 'One page; follow nextCursor for the next', body: DeletedDocumentPage },
        },
        problems: [403],
      },
      async ({ query, principal }) => ({
        status: 200,
        body: await listDeletedDocuments(deps.pool, principal, query),
      }),
    );

    r.route(
      {
        method: 'get',
        path: '/v1/documents/:id',
        operationId: 'getDocument',
        summary: "Read a document's metadata",
        tags: ['documents'],
        authenticated: true,
        params: DocumentId,
        responses: { 200: { description: 'The document', body: Document, headers: ETagHeader } },
        problems: [404],
      },
      async ({ params, principal }) => {
        const doc = await store.get(params.id, principal);
        return { status: 200, headers: { ETag: etagOf(doc.version) }, body: toView(doc) };
      },
    );

    r.route(
      {
        method: 'patch',
        path: '/v1/documents/:id',
        operationId: 'updateDocument',
        summary: 'Change the title or tags, if the document is still the version read',
        tags: ['documents'],
        authenticated: true,
        params: DocumentId,
        headers: IfMatchHeader,
        body: UpdateDocument,
        responses: { 200: { description: 'The changed document', body: Document, headers: ETagHeader } },
        problems: [403, 404, 412, 428],
      },
      async ({ params, body, principal, req }) => {
        const version = requiredVersion(req.headers['if-match']);
        const doc = await store.updateMetadata(params.id, principal, version, body);
        return { status: 200, headers: { ETag: etagOf(doc.version) }, body: toView(doc) };
      },
    );

    r.route(
      {
        method: 'delete',
        path: '/v1/documents/:id',
        operationId: 'deleteDocument',
        summary: 'Delete a document (owner or admin); its content is removed by the cleanup',
        tags: ['documents'],
        authenticated: true,
        params: DocumentId,
        responses: { 204: { description: 'The document was deleted' } },
        problems: [403, 404, 412],
      },
      async ({ params, principal, req }) => {
        await store.delete(params.id, principal, optionalVersion(req.headers['if-match']));
        return { status: 204 };
      },
    );

    r.route(
      {
        method: 'post',
        path: '/v1/documents/:id/restore',
        operationId: 'restoreDocument',
        summary: 'Undo the deletion of a document (owner or admin), while its content is still kept',
        description: `Deleted content is kept for the retention period, until the cleanup removes it. Until then the
document comes back as it was (title, tags, shares), at a new version, and \`document.restored\` is
published. 410 once the content has been removed: it is too late. 409 when the document is not
deleted.`,
        tags: ['documents'],
        authenticated: true,
        params: DocumentId,
        responses: { 200: { description: 'The restored document', body: Document, headers: ETagHeader } },
        problems: [403, 404, 409, 410],
      },
      async ({ params, principal }) => {
        const doc = await store.restore(params.id, principal);
        return { status: 200, headers: { ETag: etagOf(doc.version) }, body: toView(doc) };
      },
    );
  };
}
