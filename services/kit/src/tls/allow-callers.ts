/**
 * Authorization by workload identity: a route lists the SPIFFE IDs that may call it (for example,
 * only the gateway may call the public API). Anyone else, or a request without a verified identity,
 * gets a 403 problem from the kit's error handler. A pattern may end in `*` to allow a whole
 * namespace or trust domain (`spiffe://quire.local/ns/prod/sa/*`).
 */
import type { RequestHandler } from 'express';
import { NotAllowedError } from '../errors.js';
import { peerIdentityOf } from './peer-identity.js';

/** A matcher for allow-list entries: exact IDs, or prefixes ending in `*`. */
export function callerMatcher(allowed: readonly string[]): (spiffeId: string) => boolean {
  const exact = new Set(allowed.filter((a) => !a.endsWith('*')));
  const prefixes = allowed.filter((a) => a.endsWith('*')).map((a) => a.slice(0, -1));
  return (id) => exact.has(id) || prefixes.some((p) => id.startsWith(p));
}

/** Route middleware that lets only the listed callers through. */
export function allowCallers(allowed: readonly string[]): RequestHandler {
  const matches = callerMatcher(allowed);
  return (req, _res, next) => {
    const id = (req.peerIdentity ?? peerIdentityOf(req))?.spiffeId;
    if (id && matches(id)) {
      next();
      return;
    }
    next(new NotAllowedError(`The caller ${id ?? 'without a workload identity'} may not call this route`));
  };
}
