import { mkdtempSync } from 'node:fs';
import { type Agent, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemHandler } from '../../src/problem-handler.js';
import { allowCallers } from '../../src/tls/allow-callers.js';
import { createMtlsAgent } from '../../src/tls/mtls-agent.js';
import { createMtlsServer } from '../../src/tls/mtls-server.js';
import { peerIdentity } from '../../src/tls/peer-identity.js';
import { spiffeId } from '../../src/tls/spiffe.js';
import { TlsMaterialWatcher } from '../../src/tls/tls-material.js';
import { fingerprint256, type TestCa, testCa, testLeaf, writeMounted } from './fixtures/test-pki.js';

const id = (sa: string) => spiffeId('quire.local', 'test', sa);
const [documentId, gatewayId, auditId] = [id('quire-document'), id('quire-gateway'), id('quire-audit')];

interface Answer {
  status: number;
  body: string;
  localPort: number;
  serverCert: string;
}

/** One GET over `agent` (or with the given TLS options), resolving with what came back. */
function get(
  port: number,
  path: string,
  options: { agent?: Agent; cert?: string; key?: string; ca?: string },
) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, servername: 'localhost', ...options }, (res) => {
      // Read now: a keep-alive agent takes the socket back once the body ends.
      const socket = res.socket as TLSSocket;
      const localPort = socket.localPort ?? 0;
      const serverCert = socket.getPeerCertificate().fingerprint256;
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, localPort, serverCert }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('mTLS between two services', () => {
  let ca: TestCa;
  let serverDir: string;
  let server: Server;
  let port: number;
  const watchers: TlsMaterialWatcher[] = [];
  const watch = (dir: string) => {
    const w = new TlsMaterialWatcher(dir, { debounceMs: 30 });
    watchers.push(w);
    return w;
  };
  const clientDir = async (spiffe: string, issuer = ca) => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-mtls-client-'));
    writeMounted(dir, await testLeaf(issuer, spiffe), [ca.pem]);
    return dir;
  };

  beforeAll(async () => {
    ca = await testCa('platform');
    serverDir = mkdtempSync(join(tmpdir(), 'kit-mtls-server-'));
    writeMounted(serverDir, await testLeaf(ca, documentId), [ca.pem]);
    const app = express();
    app.use(peerIdentity());
    app.get('/whoami', (req, res) => {
      res.json({ caller: req.peerIdentity?.spiffeId });
    });
    app.get('/public', allowCallers([gatewayId]), (_req, res) => {
      res.json({ ok: true });
    });
    app.use(problemHandler({ logger: pino({ level: 'silent' }), exposeStack: false }));
    server = createMtlsServer(watch(serverDir), app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    for (const w of watchers) w.close();
  });

  it('serves a caller with a platform certificate and tells the handler who it is', async () => {
    const agent = createMtlsAgent({ material: watch(await clientDir(gatewayId)), serverId: documentId });
    const answer = await get(port, '/whoami', { agent });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ caller: gatewayId });
    agent.destroy();
  });

  it('refuses a caller without a client certificate', async () => {
    await expect(get(port, '/whoami', { ca: ca.pem })).rejects.toThrow();
  });

  it('refuses a caller whose certificate comes from another CA', async () => {
    const other = await testCa('elsewhere');
    const leaf = await testLeaf(other, gatewayId);
    await expect(
      get(port, '/whoami', { ca: ca.pem, cert: leaf.certPem, key: leaf.keyPem }),
    ).rejects.toThrow();
  });

  it('refuses a caller whose certificate has expired', async () => {
    const day = 24 * 3600_000;
    const leaf = await testLeaf(ca, gatewayId, {
      notBefore: new Date(Date.now() - 2 * day),
      notAfter: new Date(Date.now() - day),
    });
    await expect(
      get(port, '/whoami', { ca: ca.pem, cert: leaf.certPem, key: leaf.keyPem }),
    ).rejects.toThrow();
  });

  it('answers 403 with a problem to an identity not on the route’s allow-list', async () => {
    const audit = createMtlsAgent({ material: watch(await clientDir(auditId)), serverId: documentId });
    const gateway = createMtlsAgent({ material: watch(await clientDir(gatewayId)), serverId: documentId });
    const refused = await get(port, '/public', { agent: audit });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ status: 403 });
    expect(refused.body).toContain(auditId);
    expect((await get(port, '/public', { agent: gateway })).status).toBe(200);
    audit.destroy();
    gateway.destroy();
  });

  it('does not talk to a server that presents another identity than the one expected', async () => {
    const agent = createMtlsAgent({
      material: watch(await clientDir(gatewayId)),
      serverId: id('quire-auth'),
    });
    await expect(get(port, '/whoami', { agent })).rejects.toThrow(
      /presented spiffe:\/\/quire.local\/ns\/test\/sa\/quire-document/,
    );
    agent.destroy();
  });

  it('takes a new server certificate for new connections while an open one keeps working', async () => {
    const agent = createMtlsAgent({
      material: watch(await clientDir(gatewayId)),
      serverId: documentId,
      maxSockets: 1,
    });
    const first = await get(port, '/whoami', { agent });
    const renewed = await testLeaf(ca, documentId);
    const [watcher] = watchers;
    if (!watcher) throw new Error('the agent made no certificate watcher');
    const reloaded = new Promise((resolve) => {
      const stop = watcher.onChange(() => {
        stop();
        resolve(undefined);
      });
    });
    writeMounted(serverDir, renewed, [ca.pem]);
    await reloaded;
    const again = await get(port, '/whoami', { agent });
    expect(again.localPort).toBe(first.localPort);
    expect(again.serverCert).toBe(first.serverCert);
    const fresh = createMtlsAgent({ material: watch(await clientDir(gatewayId)), serverId: documentId });
    expect((await get(port, '/whoami', { agent: fresh })).serverCert).toBe(fingerprint256(renewed.certPem));
    agent.destroy();
    fresh.destroy();
  });
});
