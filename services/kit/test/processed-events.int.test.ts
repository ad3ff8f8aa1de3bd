import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/migrations.js';
import { createPgPool } from '../src/postgres.js';
import { handleOnce, pruneProcessedEvents, wasProcessed } from '../src/processed-events.js';
import { testLogger, testSetting, uniqueName } from '../src/testing/index.js';

const tables = `CREATE TABLE processed_events (consumer text NOT NULL, event_id text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (consumer, event_id));
CREATE TABLE effects (event_id text NOT NULL);`;

describe('processing an event once', () => {
  const schema = uniqueName('kit_processed');
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = createPgPool({
      url: testSetting('QUIRE_POSTGRES_URL'),
      schema,
      applicationName: 'kit-test',
      logger: testLogger(),
    });
    const client = await pool.connect();
    await migrate(client, schema, [{ version: 1, name: 'processed', sql: tables }]);
    client.release();
  });
  afterAll(async () => {
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool.end();
  });

  const effect = (id: string) => (c: pg.PoolClient) => c.query('INSERT INTO effects VALUES ($1)', [id]);
  const effects = async (id: string) =>
    (await pool.query('SELECT count(*)::int AS n FROM effects WHERE event_id = $1', [id])).rows[0].n;

  it('applies an event delivered twice, and ten times at once, exactly once', async () => {
    const id = randomUUID();
    expect((await handleOnce(pool, 'test', id, effect(id))).duplicate).toBe(false);
    expect((await handleOnce(pool, 'test', id, effect(id))).duplicate).toBe(true);
    const racing = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => handleOnce(pool, 'test', racing, effect(racing))),
    );
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect([await effects(id), await effects(racing)]).toEqual([1, 1]);
  });

  it('records nothing when the effect fails, so the redelivery applies it', async () => {
    const id = randomUUID();
    await expect(
      handleOnce(pool, 'test', id, async () => {
        throw new Error('the database said no');
      }),
    ).rejects.toThrow('the database said no');
    expect(await wasProcessed(pool, 'test', id)).toBe(false);
    expect((await handleOnce(pool, 'test', id, effect(id))).duplicate).toBe(false);
    expect(await effects(id)).toBe(1);
  });

  it('keeps the ids of each consumer apart, and forgets ids older than the retention', async () => {
    const id = randomUUID();
    await handleOnce(pool, 'a', id, async () => undefined);
    expect((await handleOnce(pool, 'b', id, async () => undefined)).duplicate).toBe(false);
    await pool.query(
      `UPDATE processed_events SET processed_at = now() - interval '8 days' WHERE consumer = 'a'`,
    );
    expect(await pruneProcessedEvents(pool, 7)).toBeGreaterThanOrEqual(1);
    expect(await wasProcessed(pool, 'a', id)).toBe(false);
    expect(await wasProcessed(pool, 'b', id)).toBe(true);
  });
});
