/**
 * Authenticating requests with the platform's access tokens: JWTs signed by the Auth service,
 * verified locally against its JWKS (cached; fetched again when a token names an unknown key id).
 * In the cluster the JWKS is on Auth's mTLS port, so the fetch presents the service's certificate.
 */
import type { RequestHandler, Response } from 'express';
import {
  createRemoteJWKSet,
  customFetch,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
  type RemoteJWKSetOptions,
} from 'jose';
import { z } from 'zod';
import { isDependencyUnavailable } from './dependency-errors.js';
import { AuthenticationError, NotAllowedError, UnavailableError } from './errors.js';
import type { TlsSettings } from './listen.js';
import { createMtlsAgent } from './tls/mtls-agent.js';
import { mtlsFetch } from './tls/mtls-fetch.js';
import { TlsMaterialWatcher } from './tls/tls-material.js';

/** Who is calling: the token's subject (the account id), its roles and its session. */
export interface Principal {
  readonly subject: string;
  readonly roles: readonly string[];
  readonly sessionId?: string;
}

declare global {
  namespace Express {
    interface Locals {
      requestId?: string;
      principal?: Principal;
    }
  }
}

/** The algorithm of access tokens: ES256 is what gateways and every JOSE library support. */
export const accessTokenAlgorithm = 'ES256';

/** The platform-specific claims of an access token, beyond the registered ones. */
export const accessTokenClaims = z.object({
  sub: z.string().min(1),
  roles: z.array(z.string()).default([]),
  sid: z.string().optional(),
});

export interface TokenVerifier {
  /** Resolves to the caller, or rejects with AuthenticationError (bad token) or UnavailableError. */
  verify(token: string): Promise<Principal>;
}

/** True when the key set could not be fetched (timeout, refused, non-200), rather than the token being bad. */
function jwksUnreachable(err: unknown): boolean {
  if (err instanceof joseErrors.JWKSTimeout || isDependencyUnavailable(err)) return true;
  if (err instanceof TypeError && err.message === 'fetch failed') return true;
  return err instanceof joseErrors.JOSEError && err.message.startsWith('Expected 200 OK');
}

/** A verifier over any key source: a remote JWKS for most services, the local key ring in Auth. */
export function createTokenVerifier(options: {
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
}): TokenVerifier {
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, options.keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: [accessTokenAlgorithm],
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        const claims = accessTokenClaims.parse(payload);
        return {
          subject: claims.sub,
          roles: claims.roles,
          ...(claims.sid ? { sessionId: claims.sid } : {}),
        };
      } catch (err) {
        if (jwksUnreachable(err)) {
          throw new UnavailableError('The token keys could not be fetched; try again later', 5, err);
        }
        throw new AuthenticationError();
      }
    },
  };
}

export interface JwksVerifierOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /**
   * The certificate to present when the URL is https: a watcher of the mounted files, or the
   * service's TLS settings (`config.base.tls`; in `mtls` mode a watcher of that folder is made).
   * Without it, in `plain` mode, or for an http: URL (tests, a gateway), the global fetch is used.
   */
  tls?: TlsSettings | TlsMaterialWatcher;
  /** The SPIFFE ID Auth must present; unset, the URL's host name is checked against its DNS names. */
  serverId?: string;
}

/** The mTLS fetch for the key set, when the URL and the TLS settings call for one. */
function jwksFetch(options: JwksVerifierOptions): Pick<RemoteJWKSetOptions, typeof customFetch> {
  const { tls } = options;
  if (!tls || new URL(options.jwksUrl).protocol !== 'https:') return {};
  let material: TlsMaterialWatcher;
  if (tls instanceof TlsMaterialWatcher) material = tls;
  else if (tls.mode === 'mtls') material = new TlsMaterialWatcher(tls.dir);
  else return {};
  const agent = createMtlsAgent({
    material,
    ...(options.serverId ? { serverId: options.serverId } : {}),
    maxSockets: 4,
  });
  return { [customFetch]: mtlsFetch(agent) };
}

/** A verifier against the Auth service's JWKS URL, cached for ten minutes. */
export function createJwksVerifier(options: JwksVerifierOptions): TokenVerifier {
  const keys = createRemoteJWKSet(new URL(options.jwksUrl), {
    cacheMaxAge: 10 * 60_000,
    cooldownDuration: 5_000,
    timeoutDuration: 2_000,
    ...jwksFetch(options),
  });
  return createTokenVerifier({ keys, issuer: options.issuer, audience: options.audience });
}

/** Middleware that requires a valid `Authorization: Bearer` token and exposes the caller. */
export function authenticate(verifier: TokenVerifier): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    const match = header ? /^Bearer ([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(header) : null;
    if (!match?.[1]) throw new AuthenticationError();
    res.locals.principal = await verifier.verify(match[1]);
    next();
  };
}

/** The authenticated caller of this request; only valid behind `authenticate`. */
export function principalOf(res: Response): Principal {
  const p = res.locals.principal;
  if (!p) throw new AuthenticationError();
  return p;
}

/** Allows the caller when it is the owner of the resource or holds the admin role. */
export function requireSelfOrAdmin(principal: Principal, ownerId: string): void {
  if (principal.subject !== ownerId && !principal.roles.includes('admin')) throw new NotAllowedError();
}
