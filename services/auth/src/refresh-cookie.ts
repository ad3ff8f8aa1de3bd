/**
 * The refresh token in an httpOnly cookie, for browsers: a script injected into the page cannot
 * read it, and a reload keeps the session. A client asks for it with the request header
 * `Quire-Refresh-Token-Delivery: cookie`; without that header Auth neither sets nor reads the cookie.
 *
 * Cross-site request forgery: the cookie is SameSite=Strict, so a browser does not send it with
 * requests started by another site. SameSite does not separate sibling origins of one site (another
 * subdomain), so Auth also reads the cookie only when the request carries the custom header above: a
 * page of another origin can send a custom header only after a CORS preflight, which Auth never
 * approves (it sends no CORS headers), and an HTML form cannot send one at all. A header rather than
 * a required JSON content type, because refresh and logout have no body to type.
 *
 * Always Secure: Chromium (checked with 156) keeps and sends Secure cookies on http://localhost and
 * http://127.0.0.1 (and drops them on other plain-HTTP hosts), so development on this machine works
 * without a switch to turn Secure off, and production cannot be left with one. The `__Secure-` prefix makes the browser refuse
 * the name from a plain-HTTP origin, so a man in the middle cannot plant a cookie of its choosing.
 */
import { type FieldError, InputError } from '@quire/kit';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { Request } from 'express';
import { type RefreshTokenDelivery, refreshTokenDeliveries } from './schemas.js';

export const refreshCookieName = '__Secure-quire-refresh';
export const deliveryHeaderName = 'quire-refresh-token-delivery';
/** Only Auth's own paths get the cookie: no other service ever sees the refresh token. */
const cookiePath = '/v1/auth';

/** How the client wants the refresh token; a value other than `body` or `cookie` is a 400 naming both. */
export function deliveryOf(req: Request): RefreshTokenDelivery {
  const value = req.get(deliveryHeaderName)?.trim().toLowerCase();
  if (value === undefined || value === '') return 'body';
  if ((refreshTokenDeliveries as readonly string[]).includes(value)) return value as RefreshTokenDelivery;
  const allowed = refreshTokenDeliveries.join(' or ');
  const error: FieldError = {
    field: 'Quire-Refresh-Token-Delivery',
    rule: 'invalid_value',
    message: `must be ${allowed}`,
    in: 'header',
  };
  throw new InputError(`The Quire-Refresh-Token-Delivery header must be ${allowed}`, [error]);
}

/** The refresh token in the request's cookie, if it has one. */
export function refreshCookieOf(req: Request): string | undefined {
  const header = req.get('cookie');
  return header ? parseCookie(header)[refreshCookieName] : undefined;
}

const attributes = { httpOnly: true, secure: true, sameSite: 'strict', path: cookiePath } as const;

/** The Set-Cookie value that stores the refresh token for as long as the session lives. */
export function refreshCookie(refreshToken: string, maxAgeSeconds: number): string {
  return stringifySetCookie({
    name: refreshCookieName,
    value: refreshToken,
    maxAge: maxAgeSeconds,
    ...attributes,
  });
}

/** The Set-Cookie value that makes the browser forget the refresh token. */
export function clearedRefreshCookie(): string {
  return stringifySetCookie({
    name: refreshCookieName,
    value: '',
    maxAge: 0,
    expires: new Date(0),
    ...attributes,
  });
}
