import { mkdtempSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientAddressOptions, clientAddressResolver } from '../../src/tls/client-address.js';
import { createMtlsServer } from '../../src/tls/mtls-server.js';
import { spiffeId } from '../../src/tls/spiffe.js';
import { TlsMaterialWatcher } from '../../src/tls/tls-material.js';
import { type TestCa, type TestLeaf, testCa, testLeaf, writeMounted } from './fixtures/test-pki.js';

const id = (sa: string) => spiffeId('quire.local', 'test', sa);
const [authId, gatewayId, documentId] = [id('quire-auth'), id('quire-gateway'), id('quire-document')];

/** A loopback address of its own for one story (Linux answers the whole of 127/8). */
const loopback = () => `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.9`;

/** Serves the resolved client address of each request as the body. */
const echo = (options: ClientAddressOptions) => {
  const resolve = clientAddressResolver(options);
  return (req: IncomingMessage, res: { end: (body: string) => void }) => res.end(resolve(req));
};

describe('the client address over mTLS', () => {
  let ca: TestCa;
  let serverDir: string;
  const leaves: Record<string, TestLeaf> = {};
  const cleanups: (() => Promise<unknown>)[] = [];

  /** An mTLS server (Auth's certificate) answering each request with its resolved client address. */
  const serve = async (options: ClientAddressOptions) => {
    const watcher = new TlsMaterialWatcher(serverDir);
    const server: Server = createMtlsServer(watcher, echo(options));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(async () => {
      server.closeAllConnections();
      watcher.close();
      return new Promise((r) => server.close(r));
    });
    return (server.address() as AddressInfo).port;
  };

  /** One request presenting `caller`'s certificate from `localAddress`, with an optional X-Forwarded-For. */
  const ask = (port: number, caller: string, localAddress: string, forwardedFor?: string) =>
    new Promise<string>((resolve, reject) => {
      const leaf = leaves[caller];
      const req = request(
        {
          host: '127.0.0.1',
          port,
          servername: 'localhost',
          localAddress,
          ca: ca.pem,
          cert: leaf?.certPem,
          key: leaf?.keyPem,
          agent: false,
          headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => {
            body += c.toString();
          });
          res.on('end', () => resolve(body));
        },
      );
      req.on('error', reject);
      req.end();
    });

  let port: number;
  beforeAll(async () => {
    ca = await testCa('platform');
    for (const caller of [gatewayId, documentId]) leaves[caller] = await testLeaf(ca, caller);
    serverDir = mkdtempSync(join(tmpdir(), 'kit-client-address-'));
    writeMounted(serverDir, await testLeaf(ca, authId), [ca.pem]);
    port = await serve({ trustedProxies: [gatewayId] });
  });
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('when the gateway forwards a request, the client is the last address it added to X-Forwarded-For', async () => {
    const from = loopback();
    expect(await ask(port, gatewayId, from, '2001:db8::7')).toBe('2001:db8::7');
    // Entries before the last are what the client itself claimed; only the gateway's own is believed.
    expect(await ask(port, gatewayId, from, '198.51.100.1, 203.0.113.5')).toBe('203.0.113.5');
    expect(await ask(port, gatewayId, from, '::ffff:203.0.113.6')).toBe('203.0.113.6');
  });

  it('when another platform workload sends X-Forwarded-For, it is ignored and the connection’s address counts', async () => {
    const from = loopback();
    expect(await ask(port, documentId, from, '203.0.113.5')).toBe(from);
  });

  it('when the gateway sends no or a malformed X-Forwarded-For, the connection’s address counts', async () => {
    const from = loopback();
    expect(await ask(port, gatewayId, from)).toBe(from);
    expect(await ask(port, gatewayId, from, '203.0.113.5, not-an-address')).toBe(from);
  });

  it('when the trusted identity ends in *, every workload under that prefix is believed', async () => {
    const namespace = await serve({ trustedProxies: ['spiffe://quire.local/ns/test/sa/*'] });
    expect(await ask(namespace, documentId, loopback(), '203.0.113.8')).toBe('203.0.113.8');
  });

  it('when the test-only switch is on, a TLS peer still needs a trusted identity', async () => {
    const lenient = await serve({ trustedProxies: [gatewayId], testOnlyTrustForwardedForWithoutTls: true });
    const from = loopback();
    expect(await ask(lenient, documentId, from, '203.0.113.9')).toBe(from);
  });
});

describe('the client address on plain HTTP', () => {
  const serve = async (options: ClientAddressOptions) => {
    const server = createHttpServer(echo(options));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return server;
  };
  const ask = (port: number, localAddress: string, forwardedFor: string) =>
    new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, localAddress, headers: { 'x-forwarded-for': forwardedFor } },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => {
            body += c.toString();
          });
          res.on('end', () => resolve(body));
        },
      );
      req.on('error', reject);
      req.end();
    });

  it('when no peer has an identity, X-Forwarded-For is ignored, even from loopback', async () => {
    const server = await serve({ trustedProxies: [gatewayId] });
    const from = loopback();
    expect(await ask((server.address() as AddressInfo).port, from, '203.0.113.5')).toBe(from);
    server.close();
  });

  it('when a test asks for it by name, X-Forwarded-For is believed without TLS', async () => {
    const server = await serve({ trustedProxies: [], testOnlyTrustForwardedForWithoutTls: true });
    expect(await ask((server.address() as AddressInfo).port, loopback(), '203.0.113.5')).toBe('203.0.113.5');
    server.close();
  });
});
