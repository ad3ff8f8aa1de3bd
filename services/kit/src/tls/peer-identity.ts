/**
 * Who is calling: the SPIFFE ID in the client certificate the TLS handshake verified. Parsed once
 * per connection, since a keep-alive connection carries many requests from the same peer.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { RequestHandler } from 'express';
import { parseSpiffeId, spiffeIdOf } from './spiffe.js';

/** The verified caller of a request. */
export interface PeerIdentity {
  readonly spiffeId: string;
  readonly trustDomain: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

declare global {
  namespace Express {
    interface Request {
      /** Set by `peerIdentity()` on mTLS connections whose client certificate has a SPIFFE ID. */
      peerIdentity?: PeerIdentity;
    }
  }
}

const bySocket = new WeakMap<object, PeerIdentity | null>();

/** The caller's identity, or undefined on plain HTTP, without a verified certificate, or without a SPIFFE ID. */
export function peerIdentityOf(req: IncomingMessage): PeerIdentity | undefined {
  const socket = req.socket as TLSSocket;
  if (!socket.encrypted || !socket.authorized) return undefined;
  const cached = bySocket.get(socket);
  if (cached !== undefined) return cached ?? undefined;
  const id = spiffeIdOf(socket.getPeerCertificate().subjectaltname);
  const parts = id ? parseSpiffeId(id) : undefined;
  const identity = id && parts ? { spiffeId: id, ...parts } : undefined;
  bySocket.set(socket, identity ?? null);
  return identity;
}

/** Middleware that puts the caller's identity on `req.peerIdentity` for the handlers after it. */
export function peerIdentity(): RequestHandler {
  return (req, _res, next) => {
    const identity = peerIdentityOf(req);
    if (identity) req.peerIdentity = identity;
    next();
  };
}
