// A restore and the content cleanup racing for the same deleted document, lined up in each order
// against the real PostgreSQL's locks and the real S3: whichever takes the content's cleanup row
// first wins, and the other answers or skips accordingly, never leaving a document without content.
import { randomBytes } from 'node:crypto';
import { createPgPool } from '@quire/kit';
import { testSetting } from '@quire/kit/testing';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { ObjectStore } from '../src/object-store.js';
import { hashDownload, sha256 } from './harness.js';
import { useDocument } from './use-document.js';

// Deleted content is due for removal at once: only the test decides when the cleanup runs.
const { h, ada, as } = useDocument({ contentRetentionSeconds: 0 });

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

describe('restoring while the cleanup runs', () => {
  it('when the cleanup is removing the content as the restore arrives, the restore waits for it and answers 410 too late', async () => {
    const doc = await h.deleted(ada);
    const gated = new GatedObjects(h.objects, 'delete');
    const sweep = h.cleanup(gated).runOnce();
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
      expect(res.status).toBe(410);
      expect(res.body.detail).toContain('too late to restore it');
      expect(await h.stored(doc.key)).toBe(false);
      await as(ada).get(`/v1/documents/${doc.id}`).expect(404);
      expect((await h.events(doc.id)).map((e) => e.type)).not.toContain('document.restored');
    } finally {
      gated.open();
      await race.pool.end();
    }
  });

  it('when a restore holds the content as the cleanup runs, the cleanup skips it and the restored document keeps its content', async () => {
    const doc = await h.deleted(ada);
    const gated = new GatedObjects(h.objects, 'exists');
    const race = separateApp(gated);
    try {
      const restoring = as(ada, race.api)
        .restore(doc.id)
        .then((r) => r);
      await gated.reached.promise; // the restore has taken the cleanup row and is checking storage
      await h.cleanup().runOnce();
      expect(await h.stored(doc.key)).toBe(true);
      gated.open();
      const res = await restoring;
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: doc.id, version: 3 });

      await h.cleanup().runOnce();
      const download = await hashDownload(`${await h.url()}/v1/documents/${doc.id}/content`, ada.token);
      expect(download).toMatchObject({ status: 200, sha256: sha256(doc.text) });
    } finally {
      gated.open();
      await race.pool.end();
    }
  });
});
