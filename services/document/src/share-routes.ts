/** Sharing a document with other users, for reading or writing; only the owner (or an admin) shares. */
import { type ApiRouter, etagOf, InputError } from '@quire/kit';
import { toView } from './document-model.js';
import { optionalVersion } from './document-routes.js';
import type { DocumentStore } from './document-store.js';
import { Document, ETagHeader, ShareBody, ShareTarget } from './schemas.js';

/** Declares the sharing routes. */
export function shareRoutes(store: DocumentStore) {
  return (r: ApiRouter): void => {
    r.route(
      {
        method: 'put',
        path: '/v1/documents/:id/shares/:userId',
        operationId: 'shareDocument',
        summary: 'Share the document with a user for reading or writing (or change their permission)',
        description: 'An optional If-Match makes the change conditional on the version read.',
        tags: ['sharing'],
        authenticated: true,
        params: ShareTarget,
        body: ShareBody,
        responses: {
          200: { description: 'The document with its shares', body: Document, headers: ETagHeader },
        },
        problems: [403, 404, 412],
      },
      async ({ params, body, principal, req }) => {
        const owner = (await store.get(params.id, principal)).ownerId;
        if (params.userId === owner) {
          throw new InputError('The owner cannot be given a share of their own document', [
            { field: 'userId', rule: 'not_owner', message: 'must not be the owner', in: 'params' },
          ]);
        }
        const version = optionalVersion(req.headers['if-match']);
        const doc = await store.share(params.id, principal, version, params.userId, body.permission);
        return { status: 200, headers: { ETag: etagOf(doc.version) }, body: toView(doc) };
      },
    );

    r.route(
      {
        method: 'delete',
        path: '/v1/documents/:id/shares/:userId',
        operationId: 'unshareDocument',
        summary: 'Stop sharing the document with a user',
        tags: ['sharing'],
        authenticated: true,
        params: ShareTarget,
        responses: {
          200: { description: 'The document with its remaining shares', body: Document, headers: ETagHeader },
        },
        problems: [403, 404, 412],
      },
      async ({ params, principal, req }) => {
        const version = optionalVersion(req.headers['if-match']);
        const doc = await store.unshare(params.id, principal, version, params.userId);
        return { status: 200, headers: { ETag: etagOf(doc.version) }, body: toView(doc) };
      },
    );
  };
}
