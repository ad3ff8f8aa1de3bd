// Listing exports (GET /v1/exports) against the real PostgreSQL: whose, in what order, a page at a
// time, each as GET /v1/exports/:id shows it, outcomes recorded by the results consumer included.
import { newEvent } from '@quire/kit';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyExportResult } from '../src/export-results.js';
import { type Caller, type DocumentHarness, startDocument } from './harness.js';

let h: DocumentHarness;
let admin: Caller;
beforeAll(async () => {
  h = await startDocument();
  admin = await h.caller(['user', 'admin']);
});
afterAll(() => h?.close());

const as = (c: Caller) => ({
  get: (path: string) => request(h.app.api).get(path).set('authorization', `Bearer ${c.token}`),
  post: (path: string) => request(h.app.api).post(path).set('authorization', `Bearer ${c.token}`),
});
const requestExport = async (who: Caller, body: Record<string, unknown> = {}) =>
  (await as(who).post('/v1/exports').send(body).expect(202)).body.id as string;
const idsOf = (page: { items: { id: string }[] }) => page.items.map((e) => e.id);

describe('listing exports', () => {
  it('when a user lists their exports, it pages newest first with a cursor, each item as GET /v1/exports/:id answers it', async () => {
    const kim = await h.caller();
    const ids: string[] = [];
    for (const format of ['zip', 'json', 'zip']) ids.push(await requestExport(kim, { format }));
    await applyExportResult(
      h.pool,
      newEvent({
        type: 'export.ready',
        source: 'export',
        subject: ids[1] as string,
        data: {
          exportId: ids[1],
          requestedBy: kim.subject,
          ownerId: kim.subject,
          downloadUrl: `https://s3.example.com/exports/${ids[1]}.json`,
          expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
          archiveBytes: 512,
          documentCount: 0,
          skippedCount: 0,
        },
      }),
    );

    const first = await as(kim).get('/v1/exports?limit=2').expect(200);
    expect(idsOf(first.body)).toEqual([ids[2], ids[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await as(kim).get(`/v1/exports?limit=2&cursor=${first.body.nextCursor}`).expect(200);
    expect(idsOf(second.body)).toEqual([ids[0]]);
    expect(second.body.nextCursor).toBeUndefined();

    for (const item of [...first.body.items, ...second.body.items]) {
      expect(item).toEqual((await as(kim).get(`/v1/exports/${item.id}`).expect(200)).body);
    }
    expect(first.body.items[1]).toMatchObject({ status: 'completed', format: 'json', archiveBytes: 512 });
    expect(first.body.items[0]).toMatchObject({ status: 'requested', requestedBy: kim.subject });
  });

  it("when an admin exports a user's documents, the export is in both their lists, and nobody else's", async () => {
    const [lou, eve] = await Promise.all([h.caller(), h.caller()]);
    const own = await requestExport(lou);
    const byAdmin = await requestExport(admin, { ownerId: lou.subject });

    expect(idsOf((await as(lou).get('/v1/exports').expect(200)).body)).toEqual([byAdmin, own]);
    expect(idsOf((await as(admin).get('/v1/exports').expect(200)).body)).toContain(byAdmin);
    expect(idsOf((await as(admin).get('/v1/exports').expect(200)).body)).not.toContain(own);
    expect((await as(eve).get('/v1/exports').expect(200)).body).toEqual({ items: [] });
  });

  it("when a user names another user, it answers 403; an admin may list anyone's, and a user may name themself", async () => {
    const [lou, eve] = await Promise.all([h.caller(), h.caller()]);
    const id = await requestExport(lou);
    const refused = await as(eve).get(`/v1/exports?user=${lou.subject}`).expect(403);
    expect(refused.body.detail).toBe("Only admins may list another user's exports");
    expect(idsOf((await as(admin).get(`/v1/exports?user=${lou.subject}`).expect(200)).body)).toEqual([id]);
    expect(idsOf((await as(lou).get(`/v1/exports?user=${lou.subject}`).expect(200)).body)).toEqual([id]);
  });

  it('when the cursor, limit or a field is wrong, it answers 400 naming it', async () => {
    const c = await h.caller();
    const bad = await as(c).get('/v1/exports?cursor=garbage').expect(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'cursor', in: 'query' });
    const big = await as(c).get('/v1/exports?limit=101').expect(400);
    expect(big.body.errors[0]).toMatchObject({ field: 'limit', in: 'query' });
    const unknown = await as(c).get('/v1/exports?owner=x').expect(400);
    expect(unknown.body.errors[0]).toMatchObject({ in: 'query' });
  });
});
