/**
 * The HTTPS server of the API: it requires a client certificate and verifies it against the trust
 * bundle before any request is read. When the mounted files change, the new certificate and bundle
 * apply to new connections through setSecureContext; open connections keep the context they were
 * made with, so a rotation drops nothing.
 */
import type { RequestListener } from 'node:http';
import { createServer, type Server, type ServerOptions } from 'node:https';
import type { TlsMaterial, TlsMaterialWatcher } from './tls-material.js';

/** The server side of mTLS for one set of files. */
export function mtlsServerOptions(material: TlsMaterial): ServerOptions {
  return {
    cert: material.cert,
    key: material.key,
    ca: material.ca,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
  };
}

/** An HTTPS server that serves `handler` with the watcher's current material, always. */
export function createMtlsServer(material: TlsMaterialWatcher, handler: RequestListener): Server {
  const server = createServer(mtlsServerOptions(material.current()), handler);
  const stop = material.onChange((next) => server.setSecureContext(mtlsServerOptions(next)));
  server.once('close', stop);
  return server;
}
