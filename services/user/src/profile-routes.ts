/**
 * The User API: create, read, update, delete and list profiles; owners manage their own, admins any.
 * Any signed-in user may find who has an email, to share with them (see the lookup route).
 */
import { type ApiRouter, type FixedWindowLimiter, NotAllowedError, requireSelfOrAdmin } from '@quire/kit';
import { etagOf, requiredVersion } from './etag.js';
import type { ProfileStore } from './profile-store.js';
import {
  CreateProfile,
  ETagHeader,
  IfMatchHeader,
  ListProfilesQuery,
  LookupQuery,
  Profile,
  ProfileId,
  ProfileMatch,
  ProfilePage,
  UpdateProfile,
} from './schemas.js';

/**
 * Declares the profile routes on the service's router; `lookupLimiter` counts each caller's email
 * lookups.
 */
export function profileRoutes(store: ProfileStore, lookupLimiter: FixedWindowLimiter) {
  return (r: ApiRouter): void => {
    r.route(
      {
        method: 'post',
        path: '/v1/users',
        operationId: 'createProfile',
        summary: "Create the caller's profile (admins: anyone's)",
        tags: ['users'],
        authenticated: true,
        body: CreateProfile,
        responses: { 201: { description: 'The profile was created', body: Profile, headers: ETagHeader } },
        problems: [403, 409],
      },
      async ({ body, principal }) => {
        const id = body.id ?? principal.subject;
        requireSelfOrAdmin(principal, id);
        const stored = await store.create(id, body, principal.subject);
        return {
          status: 201,
          headers: { ETag: etagOf(stored.version), Location: `/v1/users/${id}` },
          body: stored.profile,
        };
      },
    );

    r.route(
      {
        method: 'get',
        path: '/v1/users',
        operationId: 'listProfiles',
        summary: 'List profiles in creation order, filtered, a page at a time (admins only)',
        tags: ['users'],
        authenticated: true,
        query: ListProfilesQuery,
        responses: { 200: { description: 'One page; follow nextCursor for the next', body: ProfilePage } },
        problems: [403],
      },
      async ({ query, principal }) => {
        if (!principal.roles.includes('admin')) throw new NotAllowedError('Only admins may list profiles');
        return { status: 200, body: await store.list(query) };
      },
    );

    // Declared before /v1/users/:id, which would otherwise take "lookup" for an id.
    // Why any user may ask: sharing needs to turn an address someone gave you into an id. The
    // answer is an exact match on the whole address (no prefix, pattern or listing), so it only
    // tells a caller who already knows an address that it belongs to a user and their display name,
    // which sharing with them shows anyway; email, locale and avatar stay with the owner and admins.
    // Guessing addresses one request at a time is still possible, so each caller (the token's subject)
    // has a fixed-window limit. Every lookup counts before the store is asked, found or not, so the
    // limit itself tells nothing about which addresses exist.
    r.route(
      {
        method: 'get',
        path: '/v1/users/lookup',
        operationId: 'lookupProfileByEmail',
        summary: 'Find who has an email (exact match), to share with them: their id and display name only',
        tags: ['users'],
        authenticated: true,
        query: LookupQuery,
        responses: { 200: { description: 'The user with this email', body: ProfileMatch } },
        problems: [404, 429],
      },
      async ({ query, principal }) => {
        await lookupLimiter.consume(principal.subject);
        return { status: 200, body: await store.findByEmail(query.email) };
      },
    );

    r.route(
      {
        method: 'get',
        path: '/v1/users/:id',
        operationId: 'getProfile',
        summary: 'Read a profile',
        tags: ['users'],
        authenticated: true,
        params: ProfileId,
        responses: { 200: { description: 'The profile', body: Profile, headers: ETagHeader } },
        problems: [403, 404],
      },
      async ({ params, principal }) => {
        requireSelfOrAdmin(principal, params.id);
        const stored = await store.get(params.id);
        return { status: 200, headers: { ETag: etagOf(stored.version) }, body: stored.profile };
      },
    );

    r.route(
      {
        method: 'patch',
        path: '/v1/users/:id',
        operationId: 'updateProfile',
        summary: 'Change fields of a profile, if it is still the version read',
        tags: ['users'],
        authenticated: true,
        params: ProfileId,
        headers: IfMatchHeader,
        body: UpdateProfile,
        responses: { 200: { description: 'The updated profile', body: Profile, headers: ETagHeader } },
        problems: [403, 404, 409, 412, 428],
      },
      async ({ params, body, principal, req }) => {
        requireSelfOrAdmin(principal, params.id);
        const version = requiredVersion(req.headers['if-match']);
        const stored = await store.update(params.id, version, body, principal.subject);
        return { status: 200, headers: { ETag: etagOf(stored.version) }, body: stored.profile };
      },
    );

    r.route(
      {
        method: 'delete',
        path: '/v1/users/:id',
        operationId: 'deleteProfile',
        summary: 'Delete a profile, if it is still the version read',
        tags: ['users'],
        authenticated: true,
        params: ProfileId,
        headers: IfMatchHeader,
        responses: { 204: { description: 'The profile was deleted' } },
        problems: [403, 404, 412, 428],
      },
      async ({ params, principal, req }) => {
        requireSelfOrAdmin(principal, params.id);
        await store.delete(params.id, requiredVersion(req.headers['if-match']), principal.subject);
        return { status: 204 };
      },
    );
  };
}
