/**
 * Starting the API and ops servers. The API is served with mTLS from the mounted certificate, or as
 * plain HTTP only when QUIRE_TLS_MODE=plain, which is logged as a warning at every start.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { tlsFiles } from './service-env.js';

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
 * certificate signed by ca.crt; certificate reloading and peer identity checks come with the mTLS work.
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
    const file = (name: string) => readFileSync(join(options.tls.dir, name));
    server = createHttpsServer(
      {
        cert: file(tlsFiles.cert),
        key: file(tlsFiles.key),
        ca: file(tlsFiles.ca),
        requestCert: true,
        rejectUnauthorized: true,
        minVersion: 'TLSv1.2',
      },
      options.handler,
    ) as unknown as Server;
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
