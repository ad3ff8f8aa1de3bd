/** The Auth API: sign-up, login, refresh, logout, revoke-all, the current session and the JWKS. */
import { type ApiRouter, AuthenticationError, servicePaths } from '@quire/kit';
import type { Request } from 'express';
import type { AccountStore } from './accounts.js';
import { authEvent, authEventTypes } from './auth-events.js';
import type { LoginLimiter } from './login-limiter.js';
import { hashPassword, verifyPassword } from './passwords.js';
import {
  JwksResponse,
  LoginRequest,
  RefreshRequest,
  SessionResponse,
  SignUpRequest,
  TokenResponse,
} from './schemas.js';
import type { SessionStore } from './sessions.js';
import type { SigningKeyRing } from './signing-keys.js';
import type { TokenIssuer } from './tokens.js';

export interface AuthRouteDeps {
  accounts: AccountStore;
  sessions: SessionStore;
  limiter: LoginLimiter;
  tokens: TokenIssuer;
  keys: SigningKeyRing;
}

const clientAddress = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';
const noStore = { 'Cache-Control': 'no-store' };

/** Declares the Auth routes on the service's router. */
export function authRoutes(deps: AuthRouteDeps) {
  const { accounts, sessions, limiter, tokens, keys } = deps;
  return (r: ApiRouter): void => {
    r.route(
      {
        method: 'post',
        path: '/v1/auth/signup',
        operationId: 'signUp',
        summary: 'Create an account with an email and password, and start a session',
        tags: ['auth'],
        authenticated: false,
        body: SignUpRequest,
        responses: {
          201: { description: 'The account was created; here are its first tokens', body: TokenResponse },
        },
        problems: [409, 429],
      },
      async ({ body, req }) => {
        await limiter.countAttempt(clientAddress(req));
        const hash = await hashPassword(body.password);
        const account = await accounts.create(body.email, hash, (id) =>
          authEvent(authEventTypes.signedUp, id, { email: body.email }),
        );
        const { sessionId, refreshToken } = await sessions.create(account.id);
        return {
          status: 201,
          headers: noStore,
          body: await tokens.pair(account.id, account.roles, sessionId, refreshToken),
        };
      },
    );

    r.route(
      {
        method: 'post',
        path: '/v1/auth/login',
        operationId: 'logIn',
        summary: 'Log in with an email and password',
        description:
          'Wrong credentials answer 401 without saying whether the email or the password was wrong.',
        tags: ['auth'],
        authenticated: false,
        body: LoginRequest,
        responses: { 200: { description: 'A new session and its tokens', body: TokenResponse } },
        problems: [401, 429],
      },
      async ({ body, req }) => {
        const address = clientAddress(req);
        await limiter.countAttempt(address);
        await limiter.checkAccount(body.email);
        const account = await accounts.findByEmail(body.email);
        if (!(await verifyPassword(account?.passwordHash, body.password)) || !account) {
          await limiter.recordFailure(body.email);
          await accounts.recordEvent(
            authEvent(authEventTypes.loginFailed, account?.id ?? 'unknown', {
              email: body.email,
              address,
              reason: account ? 'wrong-password' : 'unknown-account',
            }),
          );
          throw new AuthenticationError('The email or password is wrong');
        }
        await limiter.clearFailures(body.email);
        const { sessionId, refreshToken } = await sessions.create(account.id);
        // The user agent identifies the device for Notification's new-device alerts (bounded: it is client input).
        const userAgent = req.get('user-agent')?.slice(0, 300);
        await accounts.recordEvent(
          authEvent(authEventTypes.loggedIn, account.id, {
            sessionId,
            address,
            ...(userAgent ? { userAgent } : {}),
          }),
        );
        return {
          status: 200,
          headers: noStore,
          body: await tokens.pair(account.id, account.roles, sessionId, refreshToken),
        };
      },
    );

    r.route(
      {
        method: 'post',
        path: '/v1/auth/refresh',
        operationId: 'refresh',
        summary: 'Exchange a refresh token for new tokens',
        description:
          'Each refresh token works once. Presenting one that was already used ends its session, since it was probably stolen.',
        tags: ['auth'],
        authenticated: false,
        body: RefreshRequest,
        responses: { 200: { description: 'The next tokens of the session', body: TokenResponse } },
        problems: [401],
      },
      async ({ body }) => {
        const result = await sessions.rotate(body.refreshToken);
        if (result.outcome === 'reused') {
          await accounts.recordEvent(
            authEvent(authEventTypes.refreshTokenReused, result.accountId, { sessionId: result.sessionId }),
          );
        }
        if (result.outcome !== 'rotated')
          throw new AuthenticationError('The refresh token is invalid or expired');
        const account = await accounts.findById(result.accountId);
        if (!account) {
          await sessions.revoke(result.accountId, result.sessionId);
          throw new AuthenticationError('The refresh token is invalid or expired');
        }
        return {
          status: 200,
          headers: noStore,
          body: await tokens.pair(account.id, account.roles, result.sessionId, result.refreshToken),
        };
      },
    );

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
        summary: 'End the session of the access token',
        tags: ['auth'],
        authenticated: true,
        responses: { 204: { description: 'The session ended; its refresh token no longer works' } },
      },
      async ({ principal }) => {
        if (principal.sessionId) await sessions.revoke(principal.subject, principal.sessionId);
        await accounts.recordEvent(
          authEvent(authEventTypes.loggedOut, principal.subject, {
            sessionId: principal.sessionId,
            all: false,
          }),
        );
        return { status: 204 };
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

    r.route(
      {
        method: 'get',
        path: servicePaths.jwks,
        operationId: 'getJwks',
        summary: 'The public keys that verify access tokens (JWKS)',
        tags: ['auth'],
        authenticated: false,
        responses: { 200: { description: 'The key set', body: JwksResponse } },
      },
      async () => ({ status: 200, headers: { 'Cache-Control': 'public, max-age=300' }, body: keys.jwks() }),
    );
  };
}
