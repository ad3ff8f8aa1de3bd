/**
 * The address of the client behind a request, for per-address limits and audit records. Behind the
 * gateway every connection comes from the gateway, so the client is the address the gateway added
 * to X-Forwarded-For. That header is believed only from a peer whose verified client certificate
 * names a trusted proxy (the gateway's SPIFFE ID), never because the peer's IP address is private or
 * local: in a zero-trust network an address says nothing about who is calling, and any pod could
 * otherwise pose as any number of clients. Everyone else's header is ignored, and the connection's
 * own address is the client.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { callerMatcher } from './allow-callers.js';
import { peerIdentityOf } from './peer-identity.js';

export interface ClientAddressOptions {
  /** SPIFFE IDs (exact, or prefixes ending in `*`) of the proxies whose X-Forwarded-For is believed. */
  trustedProxies: readonly string[];
  /**
   * Tests only: on a connection without TLS, believe X-Forwarded-For from any peer, so a component
   * test serving the app on plain HTTP can act as many clients. A plain connection carries no
   * identity, so a service must never set this.
   */
  testOnlyTrustForwardedForWithoutTls?: boolean;
}

/** IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d; one client gets one spelling. */
function normalize(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return (mapped?.[1] ?? address).toLowerCase();
}

/**
 * The last X-Forwarded-For entry: the address the trusted proxy itself saw. Earlier entries are
 * whatever the client sent, so they are never used; a last entry that is not an IP address is none.
 */
function forwardedClient(req: IncomingMessage): string | undefined {
  // Node joins repeated X-Forwarded-For headers with commas; the list is one list either way.
  const entries = [req.headers['x-forwarded-for'] ?? ''].flat().join(',').split(',');
  const last = entries[entries.length - 1]?.trim() ?? '';
  return isIP(last) ? normalize(last) : undefined;
}

/** Builds the function that gives a request's client address under these options. */
export function clientAddressResolver(options: ClientAddressOptions): (req: IncomingMessage) => string {
  const trusted = callerMatcher(options.trustedProxies);
  const withoutTls = options.testOnlyTrustForwardedForWithoutTls === true;
  return (req) => {
    const socketAddress = normalize(req.socket.remoteAddress ?? 'unknown');
    const encrypted = (req.socket as Partial<TLSSocket>).encrypted === true;
    const peer = encrypted ? peerIdentityOf(req)?.spiffeId : undefined;
    const believed = encrypted ? peer !== undefined && trusted(peer) : withoutTls;
    return (believed ? forwardedClient(req) : undefined) ?? socketAddress;
  };
}
