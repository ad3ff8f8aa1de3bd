/**
 * Starting the API and ops servers. The API is served with mTLS from the mounted certificate, or as
 * plain HTTP only when QUIRE_TLS_MODE=plain, which is logged as a warning at every start.
 */
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import type { Logger } from 'pino';
import { createMtlsServer } from './tls/mtls-server.js';
import { TlsMaterialWatcher } from './tls/tls-material.js';

export interface TlsSettings {
  mode: 'mtls' | 'plain';
  dir: string;
}

/** Listens and resolves with the server once it accepts connections. */
function listen(server: Server, port: number, host: string | undefined): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/**
 * Serves the API. In `mtls` mode the server presents tls.crt/tls.key and requires a client
 * certificate signed by ca.crt; the files are watched, and new ones apply to new connections.
 */
export function serveApi(options: {
  handler: RequestListener;
  port: number;
  host?: string;
  tls: TlsSettings;
  logger: Logger;
}): Promise<Server> {
  let server: Server;
  if (options.tls.mode === 'plain') {
    options.logger.warn(
      { port: options.port },
      'Serving the API over plain HTTP without mTLS because QUIRE_TLS_MODE=plain; use only in tests and local runs',
    );
    server = createHttpServer(options.handler);
  } else {
    const material = new TlsMaterialWatcher(options.tls.dir, { logger: options.logger });
    server = createMtlsServer(material, options.handler) as unknown as Server;
    server.once('close', () => material.close());
    options.logger.info({ port: options.port, dir: options.tls.dir }, 'Serving the API with mTLS');
  }
  // Longer than the gateway's and load balancer's idle timeouts, so they close idle connections first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return listen(server, options.port, options.host);
}

/** Serves the ops handler (/livez, /readyz, /metrics) as plain HTTP. */
export function serveOps(options: {
  handler: RequestListener;
  port: number;
  host?: string;
}): Promise<Server> {
  return listen(createHttpServer(options.handler), options.port, options.host);
}
