/** The Auth API's token routes: sign-up, login, refresh and the JWKS (sessions: session-routes.ts). */
import { type ApiRouter, AuthenticationError, InputError, servicePaths } from '@quire/kit';
import type { Request } from 'express';
import type { AccountStore } from './accounts.js';
import { authEvent, authEventTypes } from './auth-events.js';
import type { LoginLimiter } from './login-limiter.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { clearedRefreshCookie, deliveryOf, refreshCookie, refreshCookieOf } from './refresh-cookie.js';
import { grantFirstAdmin } from './roles.js';
import {
  DeliveryHeader,
  JwksResponse,
  LoginRequest,
  RefreshRequest,
  type RefreshTokenDelivery,
  SignUpRequest,
  TokenResponse,
} from './schemas.js';
import type { SessionStore } from './sessions.js';
import type { SigningKeyRing } from './signing-keys.js';
import type { TokenIssuer, TokenPair } from './tokens.js';

export interface AuthRouteDeps {
  accounts: AccountStore;
  sessions: SessionStore;
  limiter: LoginLimiter;
  tokens: TokenIssuer;
  keys: SigningKeyRing;
  /** The client's address, for the limits per address and the login events. */
  clientAddress: (req: Request) => string;
  refreshTokenTtlSeconds: number;
  /** The email that becomes the first admin when it signs up (QUIRE_AUTH_BOOTSTRAP_ADMIN_EMAIL). */
  bootstrapAdminEmail?: string | undefined;
}

const noStore = { 'Cache-Control': 'no-store' };
const invalidRefresh = 'The refresh token is invalid or expired';
const cookieNote =
  ' With `Quire-Refresh-Token-Delivery: cookie` the refresh token is set in an httpOnly cookie instead of the body.';

/** Declares the token routes on the service's router. */
export function authRoutes(deps: AuthRouteDeps) {
  const { accounts, sessions, limiter, tokens, keys, clientAddress } = deps;

  /** A token answer, with the refresh token where the client asked for it. */
  const tokenReply = (status: number, pair: TokenPair, delivery: RefreshTokenDelivery) => {
    if (delivery === 'body') return { status, headers: noStore, body: pair };
    const { refreshToken, ...rest } = pair;
    return {
      status,
      headers: { ...noStore, 'Set-Cookie': refreshCookie(refreshToken, deps.refreshTokenTtlSeconds) },
      body: rest,
    };
  };

  return (r: ApiRouter): void => {
    r.route(
      {
        method: 'post',
        path: '/v1/auth/signup',
        operationId: 'signUp',
        summary: 'Create an account with an email and password, and start a session',
        description: `The first admin is made here when the email is QUIRE_AUTH_BOOTSTRAP_ADMIN_EMAIL and no admin exists yet.${cookieNote}`,
        tags: ['auth'],
        authenticated: false,
        body: SignUpRequest,
        headers: DeliveryHeader,
        responses: {
          201: { description: 'The account was created; here are its first tokens', body: TokenResponse },
        },
        problems: [409, 429],
      },
      async ({ body, req }) => {
        const delivery = deliveryOf(req);
        await limiter.countAttempt(clientAddress(req));
        const hash = await hashPassword(body.password);
        let account = await accounts.create(body.email, hash, (id) =>
          authEvent(authEventTypes.signedUp, id, { email: body.email }),
        );
        if (deps.bootstrapAdminEmail === body.email) {
          const first = await grantFirstAdmin(accounts, body.email);
          if (first.outcome === 'granted') account = first.account;
        }
        const { sessionId, refreshToken } = await sessions.create(account.id);
        return tokenReply(
          201,
          await tokens.pair(account.id, account.roles, sessionId, refreshToken),
          delivery,
        );
      },
    );

    r.route(
      {
        method: 'post',
        path: '/v1/auth/login',
        operationId: 'logIn',
        summary: 'Log in with an email and password',
        description: `Wrong credentials answer 401 without saying whether the email or the password was wrong.${cookieNote}`,
        tags: ['auth'],
        authenticated: false,
        body: LoginRequest,
        headers: DeliveryHeader,
        responses: { 200: { description: 'A new session and its tokens', body: TokenResponse } },
        problems: [401, 429],
      },
      async ({ body, req }) => {
        const delivery = deliveryOf(req);
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
        return tokenReply(
          200,
          await tokens.pair(account.id, account.roles, sessionId, refreshToken),
          delivery,
        );
      },
    );

    r.route(
      {
        method: 'post',
        path: '/v1/auth/refresh',
        operationId: 'refresh',
        summary: 'Exchange a refresh token for new tokens',
        description:
          'Each refresh token works once. Presenting one that was already used ends its session, since it was probably stolen. ' +
          'The token comes from the body, or, when the body has none and the request says `Quire-Refresh-Token-Delivery: cookie`, ' +
          'from the refresh cookie, which then receives the next one (a failed cookie refresh clears the cookie).',
        tags: ['auth'],
        authenticated: false,
        body: RefreshRequest,
        headers: DeliveryHeader,
        responses: { 200: { description: 'The next tokens of the session', body: TokenResponse } },
        problems: [401],
      },
      async ({ body, req, res }) => {
        const delivery = deliveryOf(req);
        const fromCookie = body.refreshToken === undefined && delivery === 'cookie';
        const presented = body.refreshToken ?? (fromCookie ? refreshCookieOf(req) : undefined);
        if (presented === undefined && !fromCookie) {
          throw new InputError('The request body is invalid', [
            {
              field: 'refreshToken',
              rule: 'invalid_type',
              message:
                'Required: the refresh token, or send the refresh cookie with Quire-Refresh-Token-Delivery: cookie',
              in: 'body',
            },
          ]);
        }
        // A browser whose cookie no longer works should forget it, whatever the failure.
        const refuse = (): never => {
          if (fromCookie) res.append('Set-Cookie', clearedRefreshCookie());
          throw new AuthenticationError(invalidRefresh);
        };
        if (presented === undefined) return refuse();
        const result = await sessions.rotate(presented);
        if (result.outcome === 'reused') {
          await accounts.recordEvent(
            authEvent(authEventTypes.refreshTokenReused, result.accountId, { sessionId: result.sessionId }),
          );
        }
        if (result.outcome !== 'rotated') return refuse();
        // The roles come from the account as stored now, so a change of roles reaches the session here.
        const account = await accounts.findById(result.accountId);
        if (!account) {
          await sessions.revoke(result.accountId, result.sessionId);
          return refuse();
        }
        const pair = await tokens.pair(account.id, account.roles, result.sessionId, result.refreshToken);
        return tokenReply(200, pair, delivery);
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
