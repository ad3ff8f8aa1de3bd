/**
 * The web app's one door to the services: typed calls through the gateway (same origin, relative
 * URLs) built with openapi-fetch on the generated `*.gen.ts` types, so a changed endpoint breaks
 * `tsc` here. Auth keeps the refresh token in its httpOnly cookie (asked for with the delivery
 * header on every auth call), so the page never holds it; every authenticated call refreshes the
 * session once when the access token expired, and `resumeSession` does so at start-up.
 */
import createClient, { type Client } from 'openapi-fetch';
import type * as audit from './audit.gen.ts';
import type * as auth from './auth.gen.ts';
import type * as document from './document.gen.ts';
import type * as notification from './notification.gen.ts';
import { ApiError } from './problem.ts';
import type * as search from './search.gen.ts';
import type { SessionStore } from './session.ts';
import { type DocumentView, sendContent, uploadUrl } from './upload.ts';
import type * as user from './user.gen.ts';

export type { DocumentView } from './upload.ts';
export type DocumentPage = document.components['schemas']['DocumentPage'];
export type DocumentQuery = NonNullable<document.operations['listDocuments']['parameters']['query']>;
export type DeletedDocumentView = document.components['schemas']['DeletedDocument'];
export type DeletedDocumentPage = document.components['schemas']['DeletedDocumentPage'];
export type DeletedQuery = NonNullable<document.operations['listDeletedDocuments']['parameters']['query']>;
export type ExportView = document.components['schemas']['Export'];
export type ExportQuery = NonNullable<document.operations['listExports']['parameters']['query']>;
export type SearchPage = search.components['schemas']['SearchPage'];
export type SearchQuery = NonNullable<search.operations['searchDocuments']['parameters']['query']>;
export type NotificationPage = notification.components['schemas']['NotificationPage'];
export type Profile = user.components['schemas']['Profile'];
export type ProfileChange = user.components['schemas']['UpdateProfile'];
export type AuditPage = audit.components['schemas']['AuditEntryPage'];
export type AuditQuery = NonNullable<audit.operations['queryAuditEntries']['parameters']['query']>;
export type AuditVerification = audit.components['schemas']['AuditVerification'];

type Answer<T> = { data?: T; error?: unknown; response: Response };

async function unwrap<T>(answer: Promise<Answer<T>>): Promise<{ data: T; response: Response }> {
  const { data, error, response } = await answer;
  if (!response.ok) throw new ApiError(response.status, (error ?? {}) as ApiError['problem']);
  return { data: data as T, response };
}

/** Asks Auth to keep the refresh token in its httpOnly cookie, and to read it from there. */
const cookieDelivery = { header: { 'quire-refresh-token-delivery': 'cookie' } } as const;

/** Builds the API over a session; `baseUrl` is empty in the browser (same origin). */
export function createApi(session: SessionStore, baseUrl = '') {
  const bearer = {
    onRequest({ request }: { request: Request }) {
      const token = session.current?.accessToken;
      if (token) request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
  };
  const client = <P extends {}>(): Client<P> => {
    const c = createClient<P>({ baseUrl });
    c.use(bearer);
    return c;
  };
  const authClient = client<auth.paths>();
  const docs = client<document.paths>();
  const users = client<user.paths>();
  const finder = client<search.paths>();
  const notices = client<notification.paths>();
  const log = client<audit.paths>();

  let refreshing: Promise<boolean> | undefined;
  /**
   * Renews the tokens with the refresh cookie (single use; Auth sets the next one); concurrent
   * callers share one refresh. False, with the session cleared, when the session is over.
   */
  const refresh = (): Promise<boolean> => {
    refreshing ??= authClient
      .POST('/v1/auth/refresh', { params: cookieDelivery, body: {} })
      .then(({ data }) => {
        if (data) session.set(data);
        else session.clear();
        return Boolean(data);
      })
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  };
  /** Runs an authenticated call, and once more after a refresh when the token had expired. */
  async function authed<T>(call: () => Promise<Answer<T>>) {
    try {
      return await unwrap(call());
    } catch (error) {
      if (error instanceof ApiError && error.status === 401 && (await refresh())) return unwrap(call());
      throw error;
    }
  }
  const token = () => session.current?.accessToken ?? '';

  return {
    async signUp(email: string, password: string) {
      const body = { email, password };
      session.set(
        (await unwrap(authClient.POST('/v1/auth/signup', { params: cookieDelivery, body }))).data,
        email,
      );
    },
    async logIn(email: string, password: string) {
      const body = { email, password };
      session.set(
        (await unwrap(authClient.POST('/v1/auth/login', { params: cookieDelivery, body }))).data,
        email,
      );
    },
    /**
     * Picks up the session a reload left behind, from the refresh cookie alone: true when it is
     * still on. Any failure (over, or Auth unreachable) leaves the person signed out, to log in again.
     */
    resumeSession: (): Promise<boolean> => refresh().catch(() => false),
    async logOut() {
      // Without a bearer token (it expired) Auth still ends the cookie's session, and clears the
      // cookie. The session ends here even when the server is unreachable: the tokens are forgotten.
      await authClient.POST('/v1/auth/logout', { params: cookieDelivery }).catch(() => undefined);
      session.clear();
    },
    documents: {
      list: async (query: DocumentQuery) =>
        (await authed(() => docs.GET('/v1/documents', { params: { query } }))).data,
      upload: (file: File, title: string, tags: string[], onProgress?: (f: number) => void) =>
        sendContent({
          method: 'POST',
          url: uploadUrl(`${baseUrl}/v1/documents`, {
            title,
            tags: tags.length ? tags : undefined,
            size: file.size,
          }),
          file,
          accessToken: token(),
          ...(onProgress ? { onProgress } : {}),
        }),
      newVersion: (doc: DocumentView, file: File, onProgress?: (f: number) => void) =>
        sendContent({
          method: 'PUT',
          url: uploadUrl(`${baseUrl}/v1/documents/${doc.id}/content`, { size: file.size }),
          file,
          accessToken: token(),
          ifMatch: `"${doc.version}"`,
          ...(onProgress ? { onProgress } : {}),
        }),
      download: async (id: string): Promise<Blob> => {
        const { response } = await authed(() =>
          docs.GET('/v1/documents/{id}/content', { params: { path: { id } }, parseAs: 'stream' }),
        );
        return response.blob();
      },
      share: async (id: string, userId: string, permission: 'read' | 'write') =>
        (
          await authed(() =>
            docs.PUT('/v1/documents/{id}/shares/{userId}', {
              params: { path: { id, userId } },
              body: { permission },
            }),
          )
        ).data,
      remove: async (id: string) => {
        await authed(() => docs.DELETE('/v1/documents/{id}', { params: { path: { id } } }));
      },
      /** The trash: the person's deleted documents that can still be restored, newest deletion first. */
      listDeleted: async (query: DeletedQuery) =>
        (await authed(() => docs.GET('/v1/documents/deleted', { params: { query } }))).data,
      /** Undoes a delete while the content is still kept: 410 once it is too late, 409 if not deleted. */
      restore: async (id: string) =>
        (await authed(() => docs.POST('/v1/documents/{id}/restore', { params: { path: { id } } }))).data,
    },
    search: async (query: SearchQuery) =>
      (await authed(() => finder.GET('/v1/search', { params: { query } }))).data,
    exports: {
      request: async (documentIds?: string[]) =>
        (
          await authed(() =>
            docs.POST('/v1/exports', { body: { format: 'zip', ...(documentIds ? { documentIds } : {}) } }),
          )
        ).data,
      get: async (id: string) =>
        (await authed(() => docs.GET('/v1/exports/{id}', { params: { path: { id } } }))).data,
      /** The person's exports, newest first, a page at a time. */
      list: async (query: ExportQuery) =>
        (await authed(() => docs.GET('/v1/exports', { params: { query } }))).data,
    },
    notifications: {
      list: async (unread?: boolean) =>
        (
          await authed(() =>
            notices.GET('/v1/notifications', { params: { query: unread ? { unread: 'true' } : {} } }),
          )
        ).data,
      markRead: async (id: string) => {
        await authed(() => notices.POST('/v1/notifications/{id}/read', { params: { path: { id } } }));
      },
    },
    profile: {
      /** Who has this email, to share with them; a 404 when nobody with it has saved a profile. */
      findByEmail: async (email: string) =>
        (await authed(() => users.GET('/v1/users/lookup', { params: { query: { email } } }))).data,
      /** The profile and its ETag, or undefined when the account has none yet. */
      get: async (id: string): Promise<{ profile: Profile; etag: string } | undefined> => {
        try {
          const { data, response } = await authed(() =>
            users.GET('/v1/users/{id}', { params: { path: { id } } }),
          );
          return { profile: data, etag: response.headers.get('etag') ?? '' };
        } catch (error) {
          if (error instanceof ApiError && error.status === 404) return undefined;
          throw error;
        }
      },
      create: async (body: user.components['schemas']['CreateProfile']) => {
        const { data, response } = await authed(() => users.POST('/v1/users', { body }));
        return { profile: data, etag: response.headers.get('etag') ?? '' };
      },
      /** Changes the profile only if it is still at `etag`; a 412 means someone changed it meanwhile. */
      update: async (id: string, etag: string, body: ProfileChange) => {
        const { data, response } = await authed(() =>
          users.PATCH('/v1/users/{id}', { params: { path: { id }, header: { 'if-match': etag } }, body }),
        );
        return { profile: data, etag: response.headers.get('etag') ?? '' };
      },
    },
    audit: {
      entries: async (query: AuditQuery) =>
        (await authed(() => log.GET('/v1/audit/entries', { params: { query } }))).data,
      /** From the last matching checkpoint, or (`full`) every entry from the first. */
      verify: async (full = false) =>
        (await authed(() => log.GET('/v1/audit/verify', { params: { query: full ? { full: 'true' } : {} } })))
          .data,
    },
  };
}

export type Api = ReturnType<typeof createApi>;
