/** The Auth API's session routes: the current session, logout and logging out everywhere. */
import { type ApiRouter, AuthenticationError, type TokenVerifier } from '@quire/kit';
import type { Request, Response } from 'express';
import type { AccountStore } from './accounts.js';
import { authEvent, authEventTypes } from './auth-events.js';
import { clearedRefreshCookie, deliveryOf, refreshCookieOf } from './refresh-cookie.js';
import { DeliveryHeader, type RefreshTokenDelivery, SessionResponse } from './schemas.js';
import type { SessionStore } from './sessions.js';

export interface SessionRouteDeps {
  accounts: AccountStore;
  sessions: SessionStore;
  /** Checks a bearer token and its session (logout reads one itself, since a browser may have only the cookie). */
  verifier: TokenVerifier;
}

/**
 * Ends the session a logout names: the bearer token's, or for a browser without one (with the cookie
 * header), the refresh cookie's. Undefined when the cookie names no live session.
 */
async function endSession(
  deps: SessionRouteDeps,
  req: Request,
  res: Response,
  delivery: RefreshTokenDelivery,
) {
  const bearer = /^Bearer (\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
  if (bearer || delivery !== 'cookie') {
    if (!bearer) throw new AuthenticationError();
    const principal = await deps.verifier.verify(bearer);
    if (principal.sessionId) await deps.sessions.revoke(principal.subject, principal.sessionId);
    return { accountId: principal.subject, sessionId: principal.sessionId };
  }
  const cookie = refreshCookieOf(req);
  if (cookie === undefined) {
    res.append('Set-Cookie', clearedRefreshCookie());
    throw new AuthenticationError('Neither a bearer token nor the refresh cookie was sent');
  }
  // An invalid or used cookie ends nothing, and the browser forgets it all the same.
  return deps.sessions.revokeByToken(cookie);
}

/** Declares the session routes on the service's router. */
export function sessionRoutes(deps: SessionRouteDeps) {
  const { accounts, sessions } = deps;
  return (r: ApiRouter): void => {
    r.route(
      {
        method: 'get',
        path: '/v1/auth/session',
        operationId: 'getSession',
        summary: 'The session of the access token, while it is active',
        tags: ['auth'],
        authenticated: true,
        responses: { 200: { description: 'The active session', body: SessionResponse } },
      },
      async ({ principal }) => ({
        status: 200,
        body: { accountId: principal.subject, sessionId: principal.sessionId, roles: principal.roles },
      }),
    );

    r.route(
      {
        method: 'post',
        path: '/v1/auth/logout',
        operationId: 'logOut',
        summary: 'End the session of the access token, or of the refresh cookie',
        description:
          'The session is the one of the bearer access token. A browser that has only its refresh cookie ' +
          '(its access token expired) sends `Quire-Refresh-Token-Delivery: cookie` without a bearer token, and ' +
          'the session of the cookie ends. With that header the answer also clears the cookie.',
        tags: ['auth'],
        // Checked here rather than by the router: either a bearer token or the refresh cookie will do.
        authenticated: false,
        headers: DeliveryHeader,
        responses: { 204: { description: 'The session ended; its refresh token no longer works' } },
        problems: [401],
      },
      async ({ req, res }) => {
        const delivery = deliveryOf(req);
        const ended = await endSession(deps, req, res, delivery);
        if (ended) {
          await accounts.recordEvent(
            authEvent(authEventTypes.loggedOut, ended.accountId, { sessionId: ended.sessionId, all: false }),
          );
        }
        return {
          status: 204,
          ...(delivery === 'cookie' ? { headers: { 'Set-Cookie': clearedRefreshCookie() } } : {}),
        };
      },
    );

    r.route(
      {
        method: 'post',
        path: '/v1/auth/sessions/revoke-all',
        operationId: 'revokeAllSessions',
        summary: 'End every session of the account, on every device',
        tags: ['auth'],
        authenticated: true,
        responses: { 204: { description: 'Every session ended' } },
      },
      async ({ principal }) => {
        const count = await sessions.revokeAll(principal.subject);
        await accounts.recordEvent(
          authEvent(authEventTypes.loggedOut, principal.subject, { all: true, count }),
        );
        return { status: 204 };
      },
    );
  };
}
