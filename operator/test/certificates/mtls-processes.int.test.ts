/**
 * Two real processes talking mTLS with certificates the operator's certificates phase issued: a
 * service built on the kit's server and a caller built on the kit's agent. Kubelet is played by
 * writing each Secret into a folder with an atomic `..data` swap; the operator's clock is a fake
 * one running in the past, so hours of certificate life pass in a test that takes seconds.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformAnnotations } from '../../src/pki/annotations.js';
import { createCa } from '../../src/pki/ca.js';
import { platformIdentities } from '../../src/pki/identities.js';
import { issueLeaf } from '../../src/pki/leaf.js';
import { readCaSecret } from '../../src/pki/secret-shapes.js';
import { parseCertificates } from '../../src/pki/x509.js';
import { reconcileCertificates } from '../../src/reconcile/certificates.js';
import { kinds } from '../../src/runtime/resource-kind.js';
import { defined } from '../defined.js';
import { chainOf, secretText } from './fixtures/chains.js';
import { FakeCluster } from './fixtures/fake-cluster.js';
import { mountSecret } from './fixtures/mounted.js';
import { minimalManifest, platformOf } from './fixtures/platform.js';
import { NodeProcess } from './fixtures/processes.js';

const ns = 'mtls';
const minute = 60_000;
const hour = 60 * minute;
// The operator's clock: 17 h ago, so a renewal 16 h later is still in the real past and valid now.
const t0 = new Date(Date.now() - 17 * hour);
const at = (ms: number) => new Date(t0.getTime() + ms);
const identities = platformIdentities({ platform: 'quire', namespace: ns, trustDomain: 'quire.local' });
const byName = (name: string) =>
  defined(
    identities.find((i) => i.name === name),
    `the identity ${name}`,
  );
const [document, gateway, audit] = [byName('document'), byName('gateway'), byName('audit')];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One GET from this (third) process with explicit TLS material: the status, or the error. */
function callWith(port: number, path: string, tls: { cert?: string; key?: string; ca: string }) {
  return new Promise<number | string>((resolve) => {
    // The chain is verified; the name is not: this third process plays no particular peer.
    const req = request(
      { host: '127.0.0.1', port, path, agent: false, checkServerIdentity: () => undefined, ...tls },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', (e) => resolve(e.message));
      },
    );
    req.on('error', (e) => resolve(e.message));
    req.end();
  });
}

describe('two services on operator-issued certificates', () => {
  const cluster = new FakeCluster();
  const manifest = minimalManifest(ns);
  manifest.metadata.uid = 'platform-uid';
  const serverDir = mkdtempSync(join(tmpdir(), 'quire-mtls-server-'));
  const clientDir = mkdtempSync(join(tmpdir(), 'quire-mtls-client-'));
  let server: NodeProcess;
  let port: number;

  const reconcile = async (now: Date) => {
    const { object, platform } = platformOf(structuredClone(manifest));
    const outcome = await reconcileCertificates(
      { object, platform, name: 'quire', namespace: ns, now },
      cluster.deps(),
      { caOverlapMs: 10 * minute },
    );
    expect(outcome.condition.status).toBe('True');
  };
  const secret = (name: string) => cluster.get(kinds.secret, ns, name);
  /** Kubelet updates the server's volume, then the client's, and both processes reload. */
  const deliver = async (client: NodeProcess | undefined) => {
    const [s, c] = [server.count('reloaded'), client?.count('reloaded') ?? 0];
    mountSecret(serverDir, secret(document.secretName));
    await server.line('reloaded', s + 1);
    if (client) {
      await sleep(300);
      mountSecret(clientDir, secret(gateway.secretName));
      await client.line('reloaded', c + 1);
    }
  };

  beforeAll(async () => {
    await reconcile(t0);
    mountSecret(serverDir, secret(document.secretName));
    mountSecret(clientDir, secret(gateway.secretName));
    server = new NodeProcess('./mtls-server-process.ts', {
      TLS_DIR: serverDir,
      ALLOWED_CALLERS: gateway.spiffeId,
    });
    port = Number((await server.line('listening')).port);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('serves a caller with a platform certificate and refuses one without, from another CA, expired, or not allowed', async () => {
    const ca = secretText(secret(gateway.secretName), 'ca.crt');
    const mine = {
      cert: secretText(secret(gateway.secretName), 'tls.crt'),
      key: secretText(secret(gateway.secretName), 'tls.key'),
      ca,
    };
    const auditTls = {
      cert: secretText(secret(audit.secretName), 'tls.crt'),
      key: secretText(secret(audit.secretName), 'tls.key'),
      ca,
    };
    const foreignCa = await createCa({ commonName: 'Someone else', now: t0 });
    const foreign = await issueLeaf({ ca: foreignCa, identity: gateway, now: t0, lifetimeMs: 24 * hour });
    const platformCa = readCaSecret(defined(secret('quire-ca'), 'the quire-ca Secret'), new Date()).active;
    const expired = await issueLeaf({
      ca: platformCa,
      identity: gateway,
      now: new Date(Date.now() - 3 * hour),
      lifetimeMs: hour,
    });

    expect(await callWith(port, '/ping', mine)).toBe(200);
    expect(await callWith(port, '/public', mine)).toBe(200);
    expect(await callWith(port, '/ping', { ca })).not.toBe(200);
    expect(await callWith(port, '/ping', { ca, cert: foreign.chainPem, key: foreign.keyPem })).not.toBe(200);
    expect(await callWith(port, '/ping', { ca, cert: expired.chainPem, key: expired.keyPem })).not.toBe(200);
    expect(await callWith(port, '/ping', auditTls)).toBe(200);
    expect(await callWith(port, '/public', auditTls)).toBe(403);
  });

  it('keeps every request succeeding at 50 requests a second while the leaves and then the CA rotate', async () => {
    const client = new NodeProcess('./mtls-client-process.ts', {
      TLS_DIR: clientDir,
      PORT: String(port),
      SERVER_ID: document.spiffeId,
      RATE: '50',
      MAX_SECONDS: '90',
    });
    await client.line('started');
    await sleep(2000);
    const serials = () => [
      chainOf(secret(document.secretName))[0]?.serialNumber,
      chainOf(secret(gateway.secretName))[0]?.serialNumber,
    ];

    // Leaf rotation: the operator's clock passes the renewal time; every leaf gets a new key.
    const before = serials();
    await reconcile(at(16 * hour));
    expect(serials().every((s, i) => s !== before[i])).toBe(true);
    await deliver(client);
    await sleep(2000);

    // CA rotation with overlap: publish the new root, then sign with it, then retire the old root.
    manifest.metadata.annotations = { [platformAnnotations.rotateCa]: 'test' };
    const bundles: number[] = [];
    for (const offset of [16 * hour + minute, 16 * hour + 11 * minute, 16 * hour + 21 * minute]) {
      await reconcile(at(offset));
      bundles.push(parseCertificates(secretText(secret(document.secretName), 'ca.crt')).length);
      await deliver(client);
      await sleep(1500);
    }
    expect(bundles).toEqual([2, 2, 1]);

    await client.stop();
    const summary = await client.line('summary');
    console.log(`mTLS rotation under load: ${JSON.stringify(summary)}`);
    expect(summary.failed).toBe(0);
    expect(summary.errors).toEqual([]);
    expect(Number(summary.ok)).toBeGreaterThan(400);
    expect(Number(summary.connections)).toBeGreaterThan(100);
    // The server presented its first leaf, its renewed leaf and its leaf from the new CA.
    expect(Number(summary.serverCertificates)).toBeGreaterThanOrEqual(3);
    expect(server.count('peer')).toBeGreaterThanOrEqual(3);
  });
});

describe('OpenSSL and operator-issued chains', () => {
  it('accepts an intermediate chain with openssl verify and a handshake with openssl s_client', async () => {
    const cluster = new FakeCluster();
    const user = await createCa({ commonName: 'User root', now: t0, pathLength: 1 });
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    cluster.put(kinds.secret, {
      metadata: { name: 'user-ca', namespace: ns },
      data: { 'tls.crt': b64(user.cert.toString()), 'tls.key': b64(user.keyPem) },
    });
    const manifest = minimalManifest(ns);
    manifest.metadata.uid = 'platform-uid';
    manifest.spec.mtls = { issuer: { caSecretRef: { name: 'user-ca' } } };
    const { object, platform } = platformOf(manifest);
    await reconcileCertificates(
      { object, platform, name: 'quire', namespace: ns, now: new Date() },
      cluster.deps(),
    );
    const doc = cluster.get(kinds.secret, ns, document.secretName);
    const gw = cluster.get(kinds.secret, ns, gateway.secretName);
    const dir = mkdtempSync(join(tmpdir(), 'quire-openssl-'));
    const [leaf, ...intermediates] = chainOf(doc);
    expect(intermediates).toHaveLength(1);
    writeFileSync(join(dir, 'leaf.pem'), defined(leaf, 'a leaf in tls.crt').toString());
    writeFileSync(join(dir, 'chain.pem'), intermediates.map((c) => c.toString()).join(''));
    writeFileSync(join(dir, 'ca.crt'), secretText(doc, 'ca.crt'));
    writeFileSync(join(dir, 'client.crt'), secretText(gw, 'tls.crt'));
    writeFileSync(join(dir, 'client.key'), secretText(gw, 'tls.key'));
    const verified = execFileSync('openssl', [
      'verify',
      '-purpose',
      'sslserver',
      '-CAfile',
      join(dir, 'ca.crt'),
      '-untrusted',
      join(dir, 'chain.pem'),
      join(dir, 'leaf.pem'),
    ]).toString();
    expect(verified.trim()).toBe(`${join(dir, 'leaf.pem')}: OK`);
    const asClient = execFileSync('openssl', [
      'verify',
      '-purpose',
      'sslclient',
      '-CAfile',
      join(dir, 'ca.crt'),
      '-untrusted',
      join(dir, 'chain.pem'),
      join(dir, 'leaf.pem'),
    ]).toString();
    expect(asClient).toMatch(/: OK/);

    const serverDir = join(dir, 'server');
    mountSecret(serverDir, doc);
    const server = new NodeProcess('./mtls-server-process.ts', {
      TLS_DIR: serverDir,
      ALLOWED_CALLERS: gateway.spiffeId,
    });
    try {
      const port = Number((await server.line('listening')).port);
      const run = spawnSync(
        'openssl',
        [
          's_client',
          '-connect',
          `127.0.0.1:${port}`,
          '-servername',
          'localhost',
          '-CAfile',
          join(dir, 'ca.crt'),
          '-cert',
          join(dir, 'client.crt'),
          '-key',
          join(dir, 'client.key'),
          // s_client sends only the first certificate of -cert; the intermediate goes separately.
          '-cert_chain',
          join(dir, 'chain.pem'),
          '-verify_return_error',
          '-ign_eof',
        ],
        {
          input: 'GET /public HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
          timeout: 15_000,
          encoding: 'utf8',
        },
      );
      const output = `${run.stdout}${run.stderr}`;
      expect(output).toMatch(/Verify return code: 0 \(ok\)/);
      expect(output).toMatch(/HTTP\/1\.1 200/);
      expect(output).toContain('quire-document');
    } finally {
      await server.stop();
    }
  });
});
