// Restoring a deleted document (POST /v1/documents/:id/restore) against the real PostgreSQL and S3:
// who may, what it answers, its event (fed to the real search index), and how it meets the cleanup.
import { randomBytes } from 'node:crypto';
import { createPgPool } from '@quire/kit';
import { testSetting } from '@quire/kit/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SearchHarness, startSearch } from '../../search/test/harness.js';
import { createApp } from '../src/app.js';
import { ContentCleanup } from '../src/content-cleanup.js';
import { ObjectStore } from '../src/object-store.js';
import { type Caller, type DocumentHarness, hashDownload, sha256, startDocument } from './harness.js';

let h: DocumentHarness;
let ada: Caller;
let bob: Caller;
let eve: Caller;
let admin: Caller;
beforeAll(async () => {
  // Deleted content is due for removal at once: only the test decides when the cleanup runs.
  h = await startDocument({ contentRetentionSeconds: 0 });
  [ada, bob, eve, admin] = await Promise.all([
    h.caller(),
    h.caller(),
    h.caller(),
    h.caller(['user', 'admin']),
  ]);
});
afterAll(() => h?.close());

const as = (c: Caller, api = h.app.api) => {
  const auth = (t: request.Test) => t.set('authorization', `Bearer ${c.token}`);
  return {
    upload: (body: string) =>
      auth(request(api).post('/v1/documents'))
        .query({ title: 'Notes' })
        .set('content-type', 'text/plain')
        .send(body),
    get: (path: string) => auth(request(api).get(path)),
    put: (path: string) => auth(request(api).put(path)),
    delete: (path: string) => auth(request(api).delete(path)),
    restore: (id: string) => auth(request(api).post(`/v1/documents/${id}/restore`)),
  };
};

/** Uploads a document as `owner` and deletes it; answers its id, content and object key. */
async function deleted(owner: Caller, text = `deleted ${randomBytes(4).toString('hex')}`) {
  const { body } = await as(owner).upload(text).expect(201);
  await as(owner).delete(`/v1/documents/${body.id}`).expect(204);
  const { rows } = await h.pool.query('SELECT object_key FROM documents WHERE id = $1', [body.id]);
  return { id: body.id as string, text, key: rows[0].object_key as string };
}

const cleanup = () => new ContentCleanup({ pool: h.pool, objects: h.objects, logger: h.logger });
const stored = async (key: string) => (await h.objectKeys()).includes(key);
const eventsOf = async (id: string) => (await h.events()).filter((e) => e.subject === id);

describe('restoring a deleted document', () => {
  it('when the owner restores it, it answers 200 with a new version and ETag, records document.restored, and the document is back with its shares and content', async () => {
    const { body } = await as(ada).upload('worth keeping').expect(201);
    await as(ada)
      .put(`/v1/documents/${body.id}/shares/${bob.subject}`)
      .send({ permission: 'read' })
      .expect(200);
    await as(ada).delete(`/v1/documents/${body.id}`).expect(204);

    const res = await as(ada).restore(body.id);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"4"');
    expect(res.body).toMatchObject({
      id: body.id,
      version: 4,
      title: 'Notes',
      sha256: sha256('worth keeping'),
      shares: [{ userId: bob.subject, permission: 'read' }],
    });
    const events = await eventsOf(body.id);
    expect(events.map((e) => e.type)).toEqual([
      'document.created',
      'document.shared',
      'document.deleted',
      'document.restored',
    ]);
    expect(events.at(-1)?.data).toMatchObject({
      actor: ada.subject,
      changed: ['deleted'],
      version: 4,
      document: { id: body.id, version: 4, deleted: false, readers: [ada.subject, bob.subject] },
    });

    await as(ada).get(`/v1/documents/${body.id}`).expect(200);
    await as(bob).get(`/v1/documents/${body.id}`).expect(200);
    const list = await as(ada).get('/v1/documents').expect(200);
    expect(list.body.items.map((d: { id: string }) => d.id)).toContain(body.id);
    // The content is no longer waiting for the cleanup: a sweep now leaves it where it is.
    await cleanup().runOnce();
    const download = await hashDownload(`${await h.url()}/v1/documents/${body.id}/content`, ada.token);
    expect(download).toMatchObject({ status: 200, sha256: sha256('worth keeping') });
  });

  it('when a user it is shared with asks, it answers 403; a stranger gets 404; an admin may restore it', async () => {
    const { body } = await as(ada).upload('shared then deleted').expect(201);
    await as(ada)
      .put(`/v1/documents/${body.id}/shares/${bob.subject}`)
      .send({ permission: 'write' })
      .expect(200);
    await as(ada).delete(`/v1/documents/${body.id}`).expect(204);

    const refused = await as(bob).restore(body.id).expect(403);
    expect(refused.body.detail).toBe('Only the owner of the document may do this');
    const unknown = await as(eve).restore(body.id).expect(404);
    expect(unknown.body.detail).toBe('No document has this id');
    expect((await eventsOf(body.id)).map((e) => e.type)).not.toContain('document.restored');

    const restored = await as(admin).restore(body.id).expect(200);
    expect(restored.body).toMatchObject({ ownerId: ada.subject, version: 4 });
    expect((await eventsOf(body.id)).at(-1)).toMatchObject({
      type: 'document.restored',
      data: { actor: admin.subject },
    });
  });

  it('when the document is not deleted, it answers 409 and changes nothing', async () => {
    const { body } = await as(ada).upload('alive').expect(201);
    const res = await as(ada).restore(body.id).expect(409);
    expect(res.body).toMatchObject({
      type: 'urn:quire:problem:conflict',
      detail: 'The document is not deleted: there is nothing to restore',
    });
    expect((await as(ada).get(`/v1/documents/${body.id}`).expect(200)).headers.etag).toBe('"1"');
    expect((await eventsOf(body.id)).map((e) => e.type)).toEqual(['document.created']);

    await as(ada).restore('5b0e6a5c-0000-4000-8000-000000000000').expect(404);
    const bad = await as(ada).restore('not-a-uuid').expect(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'id', in: 'params' });
  });

  it('when the cleanup has removed the content, it answers 404 saying it is too late, and the document stays deleted', async () => {
    const doc = await deleted(ada);
    await cleanup().runOnce();
    expect(await stored(doc.key)).toBe(false);

    const res = await as(ada).restore(doc.id).expect(404);
    expect(res.body.detail).toBe(
      'The document was deleted and its content has since been removed: it is too late to restore it',
    );
    await as(ada).get(`/v1/documents/${doc.id}`).expect(404);
    expect((await eventsOf(doc.id)).map((e) => e.type)).toEqual(['document.created', 'document.deleted']);
  });

  it('when a cleanup removed the object but did not record it, the restore looks in storage and answers 404 too late', async () => {
    const doc = await deleted(ada);
    // As a sweep that removed the object and then lost its database connection leaves things.
    await h.objects.delete(doc.key);

    const res = await as(ada).restore(doc.id).expect(404);
    expect(res.body.detail).toContain('too late to restore it');
    await as(ada).get(`/v1/documents/${doc.id}`).expect(404);
    // Rolled back: the next sweep still finds the row and finishes the job.
    expect(await cleanup().runOnce()).toBeGreaterThanOrEqual(1);
    expect(
      (await h.pool.query('SELECT 1 FROM object_cleanup WHERE object_key = $1', [doc.key])).rowCount,
    ).toBe(0);
  });
});

/**
 * The real object store with one operation stopped at a gate the test opens, so the cleanup and a
 * restore can be lined up in each order against the real database's locks.
 */
class GatedObjects extends ObjectStore {
  readonly reached = Promise.withResolvers<void>();
  private readonly gate = Promise.withResolvers<void>();

  constructor(
    objects: ObjectStore,
    private readonly held: 'delete' | 'exists',
  ) {
    super(objects.s3, objects.bucket);
  }

  open(): void {
    this.gate.resolve();
  }

  private async pass(operation: 'delete' | 'exists'): Promise<void> {
    if (operation !== this.held) return;
    this.reached.resolve();
    await this.gate.promise;
  }

  override async delete(key: string): Promise<void> {
    await this.pass('delete');
    return super.delete(key);
  }

  override async exists(key: string): Promise<boolean> {
    await this.pass('exists');
    return super.exists(key);
  }
}

describe('restoring while the cleanup runs', () => {
  /** The Document API over its own connection pool, named so the test can see its lock waits. */
  function separateApp(objects: ObjectStore) {
    const applicationName = `quire-restore-race-${randomBytes(4).toString('hex')}`;
    const pool = createPgPool({
      url: testSetting('QUIRE_POSTGRES_URL'),
      schema: h.schema,
      applicationName,
      logger: h.logger,
    });
    const app = createApp({
      pool,
      objects,
      verifier: h.issuer.verifier,
      logger: h.logger,
      settings: h.settings,
      topics: h.topics,
      environment: 'test',
    });
    const waitingForLock = async () =>
      (
        await pool.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
          [applicationName],
        )
      ).rows[0].n > 0;
    return { api: app.api, pool, waitingForLock };
  }

  it('when the cleanup is removing the content as the restore arrives, the restore waits for it and answers 404 too late', async () => {
    const doc = await deleted(ada);
    const gated = new GatedObjects(h.objects, 'delete');
    const sweep = new ContentCleanup({ pool: h.pool, objects: gated, logger: h.logger }).runOnce();
    await gated.reached.promise; // the sweep holds the content's cleanup row and is about to remove it
    const race = separateApp(h.objects);
    try {
      const restoring = as(ada, race.api)
        .restore(doc.id)
        .then((r) => r);
      await expect.poll(race.waitingForLock, { timeout: 10_000 }).toBe(true);
      gated.open();
      expect(await sweep).toBeGreaterThanOrEqual(1);
      const res = await restoring;
      expect(res.status).toBe(404);
      expect(res.body.detail).toContain('too late to restore it');
      expect(await stored(doc.key)).toBe(false);
      await as(ada).get(`/v1/documents/${doc.id}`).expect(404);
      expect((await eventsOf(doc.id)).map((e) => e.type)).not.toContain('document.restored');
    } finally {
      gated.open();
      await race.pool.end();
    }
  });

  it('when a restore holds the content as the cleanup runs, the cleanup skips it and the restored document keeps its content', async () => {
    const doc = await deleted(ada);
    const gated = new GatedObjects(h.objects, 'exists');
    const race = separateApp(gated);
    try {
      const restoring = as(ada, race.api)
        .restore(doc.id)
        .then((r) => r);
      await gated.reached.promise; // the restore has taken the cleanup row and is checking storage
      await cleanup().runOnce();
      expect(await stored(doc.key)).toBe(true);
      gated.open();
      const res = await restoring;
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: doc.id, version: 3 });

      await cleanup().runOnce();
      const download = await hashDownload(`${await h.url()}/v1/documents/${doc.id}/content`, ada.token);
      expect(download).toMatchObject({ status: 200, sha256: sha256(doc.text) });
    } finally {
      gated.open();
      await race.pool.end();
    }
  });
});

describe('the search index and a restored document', () => {
  let search: SearchHarness;
  beforeAll(async () => {
    search = await startSearch('opensearch');
  });
  afterAll(() => search?.close());

  it('when the events are applied in order, a deleted document drops out of search and a restored one is found again', async () => {
    const word = `phoenix${randomBytes(4).toString('hex')}`;
    const { body } = await as(ada).upload(`The ${word} rises from its ashes.`).expect(201);
    const token = await search.issuer.token({ subject: ada.subject, roles: ['user'] });
    const found = async () =>
      (
        await request(search.app.api)
          .get('/v1/search')
          .query({ q: word })
          .set('authorization', `Bearer ${token}`)
          .expect(200)
      ).body.items.map((d: { id: string }) => d.id);
    const apply = async (type: string) => {
      const event = (await eventsOf(body.id)).find((e) => e.type === type);
      expect(await search.indexer.apply(event as never)).toBe('applied');
      await search.engine.refresh(search.alias); // searchable now, not after the refresh interval
    };

    await apply('document.created');
    expect(await found()).toEqual([body.id]);
    await as(ada).delete(`/v1/documents/${body.id}`).expect(204);
    await apply('document.deleted');
    expect(await found()).toEqual([]);
    await as(ada).restore(body.id).expect(200);
    await apply('document.restored');
    expect(await found()).toEqual([body.id]);
  });
});
