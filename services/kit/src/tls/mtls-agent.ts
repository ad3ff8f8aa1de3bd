/**
 * The HTTPS client side of mTLS: a keep-alive agent that presents the service's certificate and
 * accepts a server only if it presents the expected SPIFFE ID. Each new connection takes the
 * watcher's current material, so a rotated certificate or bundle is used from the next connection
 * on, while pooled connections carry on undisturbed.
 */

import { Agent, type AgentOptions } from 'node:https';
import type { Socket } from 'node:net';
import { type ConnectionOptions, checkServerIdentity, type PeerCertificate } from 'node:tls';
import { spiffeIdOf } from './spiffe.js';
import type { TlsMaterialWatcher } from './tls-material.js';

export interface MtlsAgentOptions extends AgentOptions {
  material: TlsMaterialWatcher;
  /**
   * The SPIFFE ID the server must present, or a function of the host name giving it. Undefined
   * (or a function returning undefined) falls back to checking the host name against DNS SANs.
   */
  serverId?: string | ((host: string) => string | undefined);
}

/** Checks a server certificate against the expected SPIFFE ID; the Error says what was presented. */
export function checkSpiffeId(expected: string, cert: PeerCertificate): Error | undefined {
  const presented = spiffeIdOf(cert.subjectaltname);
  if (presented === expected) return undefined;
  const error = new Error(`The server presented ${presented ?? 'no SPIFFE ID'}, not ${expected}`);
  return Object.assign(error, { code: 'ERR_SPIFFE_ID_MISMATCH' });
}

class MtlsAgent extends Agent {
  private readonly material: TlsMaterialWatcher;
  private readonly serverId: MtlsAgentOptions['serverId'];

  constructor(options: MtlsAgentOptions) {
    const { material, serverId, ...agentOptions } = options;
    super({ keepAlive: true, ...agentOptions });
    this.material = material;
    this.serverId = serverId;
  }

  // Node calls this for every new socket; the pool key ignores the context, so reloads keep the pool.
  override createConnection(
    options: ConnectionOptions,
    callback?: (error: Error | null, socket: Socket) => void,
  ): Socket {
    const expected = (host: string) =>
      typeof this.serverId === 'function' ? this.serverId(host) : this.serverId;
    const tlsOptions: ConnectionOptions = {
      ...options,
      secureContext: this.material.current().clientContext,
      checkServerIdentity: (host, cert) => {
        const id = expected(host);
        return id === undefined ? checkServerIdentity(host, cert) : checkSpiffeId(id, cert);
      },
    };
    return (super.createConnection as (o: ConnectionOptions, cb?: typeof callback) => Socket)(
      tlsOptions,
      callback,
    );
  }
}

/** A keep-alive HTTPS agent for calls to other services over mTLS. */
export function createMtlsAgent(options: MtlsAgentOptions): Agent {
  return new MtlsAgent(options);
}
