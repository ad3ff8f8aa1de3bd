import { randomUUID } from 'node:crypto';
import { type EventConsumer, newEvent } from '@quire/kit';
import { produce, readTopic } from '@quire/kit/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNotificationConsumer } from '../src/notification-consumer.js';
import {
  brokers,
  documentEvent,
  loginEvent,
  type NotificationHarness,
  startNotification,
  until,
} from './harness.js';

let h: NotificationHarness;
let t: Record<'documents' | 'auth' | 'results' | 'dlq', string>;
let consumer: EventConsumer;
beforeAll(async () => {
  h = await startNotification();
  t = await h.topics(['documents', 'auth', 'results', 'dlq']);
  consumer = await startNotificationConsumer({
    pool: h.pool,
    brokers: brokers(),
    logger: h.logger,
    groupId: `notification-test-${h.schema}`,
    topics: [t.documents, t.auth, t.results],
    deadLetterTopic: t.dlq,
    fromBeginning: true,
  });
  await consumer.joined;
});
afterAll(async () => {
  await consumer?.stop();
  await h?.close();
});

const list = (token: string, query: Record<string, string | number> = {}) =>
  request(h.app.api).get('/v1/notifications').query(query).set('authorization', `Bearer ${token}`);

describe('notifications from platform events', () => {
  it('when a document is shared with Bob, Bob alone is told once, even when the event comes twice, and can mark it read', async () => {
    const [ada, bob, cyd] = [await h.user(), await h.user(), await h.user()];
    const doc = { id: randomUUID(), ownerId: ada.subject, title: 'Airship plans' };
    const shared = documentEvent('document.shared', {
      ...doc,
      version: 2,
      shares: [{ userId: bob.subject, permission: 'write' }],
    });
    await produce(brokers(), t.documents, [
      documentEvent('document.created', { ...doc, version: 1 }),
      shared,
      shared,
    ]);
    await until(async () => (await h.count(bob.subject)) === 1);
    // Sharing with Cyd as well tells Cyd, and not Bob again.
    const both = [
      { userId: bob.subject, permission: 'write' },
      { userId: cyd.subject, permission: 'read' },
    ];
    await produce(brokers(), t.documents, [
      documentEvent('document.shared', { ...doc, version: 3, shares: both }),
    ]);
    await until(async () => (await h.count(cyd.subject)) === 1);
    expect([await h.count(bob.subject), await h.count(ada.subject)]).toEqual([1, 0]);

    const page = await list(bob.token);
    expect(page.body.items).toEqual([
      expect.objectContaining({
        kind: 'document.shared',
        title: '"Airship plans" was shared with you',
        data: expect.objectContaining({ documentId: doc.id, permission: 'write', sharedBy: ada.subject }),
      }),
    ]);
    const id = page.body.items[0].id;
    const read = await request(h.app.api)
      .post(`/v1/notifications/${id}/read`)
      .set('authorization', `Bearer ${bob.token}`);
    expect(read.status).toBe(200);
    expect(read.body.readAt).toBeDefined();
    expect((await list(bob.token, { unread: 'true' })).body.items).toEqual([]);
    const notHers = await request(h.app.api)
      .post(`/v1/notifications/${id}/read`)
      .set('authorization', `Bearer ${cyd.token}`);
    expect(notHers.status).toBe(404);
  });

  it('when an admin deletes and then restores a document shared with Bob, the owner hears of both and Bob of the restore, once each, and the admin of neither', async () => {
    const [ada, bob, admin] = [await h.user(), await h.user(), await h.user()];
    const doc = {
      id: randomUUID(),
      ownerId: ada.subject,
      title: 'Budget 2026',
      shares: [{ userId: bob.subject, permission: 'read' }],
    };
    const restored = documentEvent('document.restored', { ...doc, version: 4 }, admin.subject);
    await produce(brokers(), t.documents, [
      documentEvent('document.created', { ...doc, version: 1, shares: [] }),
      documentEvent('document.shared', { ...doc, version: 2 }),
      documentEvent('document.deleted', { ...doc, version: 3 }, admin.subject),
      restored,
      restored,
    ]);
    // Bob's share and his restore notice; Ada hears of the admin's delete and restore.
    await until(async () => (await h.count(bob.subject)) === 2);
    await until(async () => (await h.count(ada.subject)) === 2);
    expect(await h.count(admin.subject)).toBe(0);

    expect((await list(ada.token)).body.items).toEqual([
      expect.objectContaining({
        kind: 'document.restored',
        title: '"Budget 2026" was restored',
        data: expect.objectContaining({ documentId: doc.id, restoredBy: admin.subject }),
      }),
      expect.objectContaining({
        kind: 'document.deleted',
        title: '"Budget 2026" was deleted',
        body: expect.stringContaining(`quire docs restore ${doc.id}`),
        data: expect.objectContaining({ documentId: doc.id, deletedBy: admin.subject }),
      }),
    ]);
    const [newest] = (await list(bob.token)).body.items;
    expect(newest).toMatchObject({
      kind: 'document.restored',
      title: '"Budget 2026" is back',
      body: '"Budget 2026" was deleted and has been restored: you can read it again.',
    });
  });

  it('tells an account about a login from a device it never used, but not about its first or a known device', async () => {
    const ada = await h.user();
    const laptop = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0';
    const phone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0) Safari/605.1';
    await produce(brokers(), t.auth, [loginEvent(ada.subject, laptop), loginEvent(ada.subject, laptop)]);
    await produce(brokers(), t.auth, [loginEvent(ada.subject, phone, '198.51.100.9')]);
    await until(async () => (await h.count(ada.subject)) === 1);
    const [n] = (await list(ada.token)).body.items;
    expect(n).toMatchObject({
      kind: 'login.new_device',
      data: { userAgent: phone, address: '198.51.100.9' },
    });
  });

  it('tells the requester that an export is ready, with its link and when it expires', async () => {
    const bob = await h.user();
    const exportId = randomUUID();
    const data = {
      exportId,
      requestedBy: bob.subject,
      ownerId: bob.subject,
      documentCount: 3,
      downloadUrl: 'https://s3.example/exports/x.zip?X-Amz-Signature=abc',
      expiresAt: '2026-03-02T00:00:00.000Z',
    };
    await produce(brokers(), t.results, [
      newEvent({ type: 'export.ready', source: 'export', subject: exportId, data }),
    ]);
    await until(async () => (await h.count(bob.subject)) === 1);
    const [n] = (await list(bob.token)).body.items;
    expect(n).toMatchObject({ kind: 'export.ready', data: { exportId, downloadUrl: data.downloadUrl } });
  });

  it('gives a user who turned a kind off none of it, and keeps their other kinds', async () => {
    const ada = await h.user();
    const pref = await request(h.app.api)
      .put('/v1/notification-preferences/login.new_device')
      .set('authorization', `Bearer ${ada.token}`)
      .send({ inApp: false, webhook: false });
    expect(pref.status).toBe(200);
    const prefs = await request(h.app.api)
      .get('/v1/notification-preferences')
      .set('authorization', `Bearer ${ada.token}`);
    expect(prefs.body.items).toContainEqual({ kind: 'login.new_device', inApp: false, webhook: false });
    expect(prefs.body.items).toContainEqual({ kind: 'export.ready', inApp: true, webhook: true });
    await produce(brokers(), t.auth, [loginEvent(ada.subject, 'first'), loginEvent(ada.subject, 'second')]);
    const exportId = randomUUID();
    const data = { exportId, requestedBy: ada.subject, reason: 'The storage refused the archive' };
    await produce(brokers(), t.results, [
      newEvent({ type: 'export.failed', source: 'export', subject: exportId, data }),
    ]);
    await until(async () => (await h.count(ada.subject)) === 1);
    expect((await list(ada.token)).body.items.map((n: { kind: string }) => n.kind)).toEqual([
      'export.failed',
    ]);
  });

  it('sends a message that is not an event to the dead-letter topic and goes on with the next', async () => {
    const bob = await h.user();
    const exportId = randomUUID();
    await produce(brokers(), t.results, [
      { key: exportId, value: '{"this is": "not an envelope"' },
      newEvent({
        type: 'export.ready',
        source: 'export',
        subject: exportId,
        data: { exportId, requestedBy: bob.subject },
      }),
    ]);
    await until(async () => (await h.count(bob.subject)) === 1);
    const [letter] = await readTopic(brokers(), t.dlq, 1);
    expect(letter?.headers?.['quire-error']?.toString()).toBe('The message is not an event envelope');
    expect(letter?.value?.toString()).toBe('{"this is": "not an envelope"');
  });
});
