import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newEvent } from '@quire/kit';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { applyEvent } from '../src/notification-consumer.js';
import { defaultDispatcherSettings, WebhookDispatcher } from '../src/webhook-dispatcher.js';
import { verifySignature } from '../src/webhook-signature.js';
import { documentEvent, localPolicy, type NotificationHarness, startNotification, until } from './harness.js';

/** A receiver in the test process that answers each call with the next status of its script (the last one repeats). */
interface Receiver {
  url: string;
  calls: { at: number; body: string; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}
async function startReceiver(statuses: number[]): Promise<Receiver> {
  const calls: Receiver['calls'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls.push({ at: Date.now(), body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(statuses[Math.min(calls.length, statuses.length) - 1] ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/quire-hook`,
    calls,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

let h: NotificationHarness;
let dispatcher: WebhookDispatcher;
const receivers: Receiver[] = [];
const settings = {
  ...defaultDispatcherSettings(),
  policy: localPolicy,
  maxAttempts: 4,
  initialBackoffMs: 100,
  pollMs: 20,
};
beforeAll(async () => {
  h = await startNotification();
  dispatcher = new WebhookDispatcher(h.pool, h.logger, settings);
  dispatcher.start();
});
afterAll(async () => {
  await dispatcher?.stop();
  for (const r of receivers) await r.close();
  await h?.close();
});

const register = async (token: string, url: string, kinds: string[] = []) =>
  request(h.app.api).post('/v1/webhooks').set('authorization', `Bearer ${token}`).send({ url, kinds });
const exportReady = (requestedBy: string) => {
  const exportId = randomUUID();
  return newEvent({
    type: 'export.ready',
    source: 'export',
    subject: exportId,
    data: { exportId, requestedBy },
  });
};
const deliveries = async (token: string, hookId: string) =>
  (await request(h.app.api).get(`/v1/webhooks/${hookId}/deliveries`).set('authorization', `Bearer ${token}`))
    .body.items;

describe('webhook deliveries', () => {
  it('retry on 5xx with growing pauses until the receiver takes the call, each attempt signed and recorded', async () => {
    const receiver = await startReceiver([500, 503, 200]);
    receivers.push(receiver);
    const ada = await h.user();
    const hook = await register(ada.token, receiver.url);
    expect(hook.status).toBe(201);
    expect(hook.body.secret).toMatch(/^whsec_/);
    await applyEvent(h.pool, exportReady(ada.subject));
    await until(async () => (await deliveries(ada.token, hook.body.id))[0]?.status === 'delivered');

    expect(receiver.calls).toHaveLength(3);
    for (const call of receiver.calls) {
      expect(verifySignature(hook.body.secret, call.body, String(call.headers['quire-signature']))).toBe(
        true,
      );
      expect(verifySignature('whsec_other', call.body, String(call.headers['quire-signature']))).toBe(false);
    }
    const body = JSON.parse(receiver.calls[0]?.body ?? '{}');
    expect(body).toMatchObject({ userId: ada.subject, notification: { kind: 'export.ready' } });
    expect(receiver.calls[0]?.headers['quire-delivery']).toBe(body.deliveryId);
    const gaps = receiver.calls.slice(1).map((c, i) => c.at - (receiver.calls[i]?.at ?? 0));
    console.log(
      `Webhook retries: answers 500, 503, 200; pauses between attempts ${gaps.join(' ms, ')} ms (base 100 ms, doubling, ±25% jitter)`,
    );
    expect(gaps[0]).toBeGreaterThanOrEqual(75);
    expect(gaps[1]).toBeGreaterThanOrEqual(150);

    const [delivery] = await deliveries(ada.token, hook.body.id);
    expect(delivery.attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 503, 200]);
  });

  it('stop at the retry limit for a receiver that keeps failing, and at once on a 4xx refusal', async () => {
    const failing = await startReceiver([500]);
    const refusing = await startReceiver([410]);
    receivers.push(failing, refusing);
    const bob = await h.user();
    const down = await register(bob.token, failing.url);
    const gone = await register(bob.token, refusing.url, ['export.ready']);
    await applyEvent(h.pool, exportReady(bob.subject));
    await until(async () => (await deliveries(bob.token, down.body.id))[0]?.status === 'failed');
    await until(async () => (await deliveries(bob.token, gone.body.id))[0]?.status === 'failed');
    await new Promise((r) => setTimeout(r, 500));
    expect(failing.calls).toHaveLength(4);
    expect(refusing.calls).toHaveLength(1);
    const [delivery] = await deliveries(bob.token, down.body.id);
    expect(delivery.attempts.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3, 4]);
  });

  it('reach only the webhooks of the kinds a user chose, and only while the user wants webhooks for that kind', async () => {
    const receiver = await startReceiver([200]);
    receivers.push(receiver);
    const cyd = await h.user();
    await register(cyd.token, receiver.url, ['login.new_device']);
    await applyEvent(h.pool, exportReady(cyd.subject));
    const other = await startReceiver([200]);
    receivers.push(other);
    await register(cyd.token, other.url);
    await request(h.app.api)
      .put('/v1/notification-preferences/export.ready')
      .set('authorization', `Bearer ${cyd.token}`)
      .send({ inApp: true, webhook: false });
    await applyEvent(h.pool, exportReady(cyd.subject));
    await new Promise((r) => setTimeout(r, 500));
    expect([receiver.calls.length, other.calls.length]).toEqual([0, 0]);
    expect(await h.count(cyd.subject)).toBe(2);
  });

  it('reach a webhook subscribed to document.restored alone when a document shared with its user is restored', async () => {
    const receiver = await startReceiver([200]);
    receivers.push(receiver);
    const [ada, bob] = [await h.user(), await h.user()];
    const hook = await register(bob.token, receiver.url, ['document.restored']);
    expect(hook.status).toBe(201);
    expect(hook.body.kinds).toEqual(['document.restored']);
    const doc = {
      id: randomUUID(),
      ownerId: ada.subject,
      title: 'Field notes',
      shares: [{ userId: bob.subject, permission: 'write' }],
    };
    // The share is not of the subscribed kind; the restore is.
    await applyEvent(h.pool, documentEvent('document.shared', { ...doc, version: 2 }));
    await applyEvent(h.pool, documentEvent('document.restored', { ...doc, version: 4 }));
    await until(async () => (await deliveries(bob.token, hook.body.id))[0]?.status === 'delivered');
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.calls).toHaveLength(1);
    expect(receiver.calls[0]?.headers['quire-event-kind']).toBe('document.restored');
    expect(JSON.parse(receiver.calls[0]?.body ?? '{}')).toMatchObject({
      userId: bob.subject,
      notification: { kind: 'document.restored', data: { documentId: doc.id, permission: 'write' } },
    });
  });

  it('in production refuse webhooks over plain http or to internal addresses when they are registered', async () => {
    const production = createApp({
      pool: h.pool,
      verifier: h.issuer.verifier,
      logger: h.logger,
      webhookPolicy: { allowPlainHttp: false, allowPrivateAddresses: false },
      environment: 'test',
    });
    const ada = await h.user();
    for (const url of ['http://hooks.example.com/x', 'https://10.0.0.8/x', 'not a url']) {
      const res = await request(production.api)
        .post('/v1/webhooks')
        .set('authorization', `Bearer ${ada.token}`)
        .send({ url });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe('url');
    }
  });
});
