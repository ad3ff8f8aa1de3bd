/** The Document API's content routes: download (streamed or through a presigned URL) and new versions. */
import { pipeline } from 'node:stream/promises';
import { type ApiRouter, etagOf, PreconditionError, requiredVersion } from '@quire/kit';
import type { DocumentSettings } from './config.js';
import type { ContentReceiver } from './content-receiver.js';
import { uploadContentType } from './content-types.js';
import { toView } from './document-model.js';
import { contentLengthOf } from './document-routes.js';
import type { DocumentStore } from './document-store.js';
import type { ObjectStore } from './object-store.js';
import { ContentQuery, ContentUrl, Document, DocumentId, ETagHeader, IfMatchHeader } from './schemas.js';

/** The RFC 9530 digest header of a hex SHA-256, so clients can verify what they downloaded. */
const reprDigest = (hex: string) => `sha-256=:${Buffer.from(hex, 'hex').toString('base64')}:`;

/** Declares the content routes. */
export function contentRoutes(deps: {
  store: DocumentStore;
  objects: ObjectStore;
  receiver: ContentReceiver;
  settings: DocumentSettings;
}) {
  const { store, objects, receiver, settings } = deps;
  return (r: ApiRouter): void => {
    r.route(
      {
        method: 'get',
        path: '/v1/documents/:id/content',
        operationId: 'downloadDocument',
        summary: "Download a document's content, streamed",
        tags: ['documents'],
        authenticated: true,
        params: DocumentId,
        responses: { 200: { description: 'The content, with Repr-Digest', headers: ETagHeader } },
        problems: [404],
      },
      async ({ params, principal, res }) => {
        const doc = await store.get(params.id, principal);
        const { body, size } = await objects.get(doc.objectKey);
        res.status(200).set({
          'Content-Type': doc.contentType,
          'Content-Length': String(size),
          ETag: etagOf(doc.version),
          'Repr-Digest': reprDigest(doc.sha256),
          'Cache-Control': 'private, no-cache',
        });
        await pipeline(body, res);
        return { status: 200 };
      },
    );

    r.route(
      {
        method: 'get',
        path: '/v1/documents/:id/content-url',
        operationId: 'presignDocumentContent',
        summary: "A short-lived URL that downloads the document's content straight from storage",
        tags: ['documents'],
        authenticated: true,
        params: DocumentId,
        responses: { 200: { description: 'The URL and when it expires', body: ContentUrl } },
        problems: [404],
      },
      async ({ params, principal }) => {
        const doc = await store.get(params.id, principal);
        const ttl = settings.presignedUrlTtlSeconds;
        const url = await objects.presignGet(doc.objectKey, ttl, doc.contentType);
        return {
          status: 200,
          headers: { 'Cache-Control': 'no-store' },
          body: { url, expiresAt: new Date(Date.now() + ttl * 1000).toISOString() },
        };
      },
    );

    r.route(
      {
        method: 'put',
        path: '/v1/documents/:id/content',
        operationId: 'replaceDocumentContent',
        summary: 'Upload a new version of the content, if the document is still the version read',
        description: 'The body is the new content, streamed as for uploads; Content-Type is its media type.',
        tags: ['documents'],
        authenticated: true,
        params: DocumentId,
        query: ContentQuery,
        headers: IfMatchHeader,
        responses: {
          200: { description: 'The document at its new version', body: Document, headers: ETagHeader },
        },
        problems: [403, 404, 412, 413, 415, 428],
      },
      async ({ params, query, principal, req }) => {
        const version = requiredVersion(req.headers['if-match']);
        const contentType = uploadContentType(req.headers['content-type']);
        // Fail before receiving a byte when the caller may not write or read an old version.
        const before = await store.get(params.id, principal, 'write');
        if (version !== undefined && before.version !== version) throw new PreconditionError(false);
        const content = await receiver.receive(params.id, req, {
          contentType,
          contentLength: contentLengthOf(req),
          declared: { size: query.size, sha256: query.sha256 },
        });
        try {
          const doc = await store.replaceContent(params.id, principal, version, content);
          return { status: 200, headers: { ETag: etagOf(doc.version) }, body: toView(doc) };
        } catch (err) {
          await receiver.discard(content.key);
          throw err;
        }
      },
    );
  };
}
