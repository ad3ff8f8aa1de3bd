/**
 * The content cleanup: removes from storage the objects in `object_cleanup` whose time has come
 * (content replaced or deleted past its retention, uploads abandoned mid-way). A row goes only
 * after its object is gone, so a storage outage delays the cleanup and loses nothing; replicas
 * share the work through SKIP LOCKED. A row stays locked from before its object is removed until
 * the row is deleted: a restore (document-store.ts) deletes the row of a deleted document's content
 * to keep it, so it either waits for this and finds the row gone, or holds the row and is skipped.
 */
import { withTransaction } from '@quire/kit';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { ObjectStore } from './object-store.js';

export class ContentCleanup {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly options: {
      pool: pg.Pool;
      objects: ObjectStore;
      logger: Logger;
      /** Pause between sweeps (default 60 s). */
      intervalMs?: number;
      batchSize?: number;
    },
  ) {}

  /** Removes one batch of due objects; returns how many. */
  async runOnce(): Promise<number> {
    const { pool, objects } = this.options;
    return withTransaction(pool, async (client) => {
      const { rows } = await client.query<{ object_key: string }>(
        `SELECT object_key FROM object_cleanup WHERE not_before <= now()
          ORDER BY not_before LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.batchSize ?? 100],
      );
      for (const { object_key } of rows) await objects.delete(object_key);
      if (rows.length > 0) {
        await client.query('DELETE FROM object_cleanup WHERE object_key = ANY($1::text[])', [
          rows.map((r) => r.object_key),
        ]);
      }
      return rows.length;
    });
  }

  /** Sweeps every interval until `stop`. */
  start(): void {
    const tick = () => {
      this.running = this.runOnce()
        .then((n) => {
          if (n > 0) this.options.logger.info({ objects: n }, 'Removed unused content from storage');
        })
        .catch((err: Error) =>
          this.options.logger.warn({ err: { message: err.message } }, 'Failed to remove unused content'),
        )
        .finally(() => {
          this.timer = setTimeout(tick, this.options.intervalMs ?? 60_000);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
    clearTimeout(this.timer);
  }
}
