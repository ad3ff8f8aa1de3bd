// Auth behind the gateway, over real mTLS: whose X-Forwarded-For the login limits believe.
import { mkdtempSync } from 'node:fs';
import { request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMtlsServer, spiffeId, TlsMaterialWatcher } from '@quire/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The kit's test CA (@peculiar/x509): the operator's issuer is out of reach of a service package.
import {
  type TestCa,
  type TestLeaf,
  testCa,
  testLeaf,
  writeMounted,
} from '../../kit/test/tls/fixtures/test-pki.js';
import { type AuthHarness, newUser, startAuth } from './harness.js';

const id = (sa: string) => spiffeId('quire.local', 'test', sa);
const [authId, gatewayId, documentId] = [id('quire-auth'), id('quire-gateway'), id('quire-document')];

let auth: AuthHarness;
let ca: TestCa;
let server: Server;
let watcher: TlsMaterialWatcher;
let port: number;
const leaves: Record<string, TestLeaf> = {};

beforeAll(async () => {
  auth = await startAuth({
    trustedProxyIds: [gatewayId],
    login: { maxFailuresPerAccount: 100, maxAttemptsPerAddress: 3, windowSeconds: 60 },
  });
  ca = await testCa('platform');
  for (const caller of [gatewayId, documentId]) leaves[caller] = await testLeaf(ca, caller);
  const dir = mkdtempSync(join(tmpdir(), 'auth-mtls-'));
  writeMounted(dir, await testLeaf(ca, authId), [ca.pem]);
  watcher = new TlsMaterialWatcher(dir);
  server = createMtlsServer(watcher, auth.app.api);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  watcher?.close();
  await auth?.close();
});

/** A loopback address of this story's own (Linux answers the whole of 127/8), so runs never share a limit. */
const loopback = () =>
  `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;

/** A login with a wrong password, over mTLS as `caller` from `localAddress`; resolves with the status. */
function failLogin(caller: string, localAddress: string, forwardedFor: string, email = newUser().email) {
  const body = JSON.stringify({ email, password: 'wrong password entirely' });
  const leaf = leaves[caller];
  return new Promise<number>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/auth/login',
        method: 'POST',
        servername: 'localhost',
        localAddress,
        ca: ca.pem,
        cert: leaf?.certPem,
        key: leaf?.keyPem,
        agent: false,
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const failureAddress = async (email: string) =>
  (await auth.events()).find((e) => e.type === 'auth.login_failed' && e.data.email === email)?.data.address;

describe('login limits per client address behind the gateway', () => {
  it('when the gateway forwards clients, each client address has its own limit and is the one recorded', async () => {
    const gateway = loopback();
    const [ada, bob] = [newUser().address, newUser().address];
    const ada4 = [];
    for (let i = 0; i < 4; i++) ada4.push(await failLogin(gatewayId, gateway, `198.51.100.7, ${ada}`));
    expect(ada4).toEqual([401, 401, 401, 429]);
    const email = newUser().email;
    expect(await failLogin(gatewayId, gateway, bob, email)).toBe(401);
    expect(await failureAddress(email)).toBe(bob);
  });

  it('when another workload sends X-Forwarded-For, it is ignored: its attempts count against its own address', async () => {
    const from = loopback();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await failLogin(documentId, from, newUser().address));
    expect(statuses).toEqual([401, 401, 401, 429]);
    const [email, other] = [newUser().email, loopback()];
    await failLogin(documentId, other, '2001:db8::1', email);
    expect(await failureAddress(email)).toBe(other);
  });
});
