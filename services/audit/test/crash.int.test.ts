import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { produce } from '@quire/kit/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditHarness, brokers, platformEvent, startAudit, until } from './harness.js';

let h: AuditHarness;
let topic: string;
let duplicates = 0;
const children: ChildProcess[] = [];
beforeAll(async () => {
  h = await startAudit();
  topic = (await h.topics(['crash'], 1)).crash;
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await h?.close();
});

/** Starts the consumer in a child process; resolves once it joined its group. */
function startChild(): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL('./consumer-process.mjs', import.meta.url)), {
    env: { ...process.env, PROBE_SCHEMA: h.schema, PROBE_TOPIC: topic, PROBE_GROUP: `crash-${h.schema}` },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.on('message', (m) => {
      if (m === 'joined') resolve(child);
      if (m === 'duplicate') duplicates += 1;
    });
    child.once('exit', (code) => reject(new Error(`The consumer exited with ${code} before joining`)));
  });
}

describe('a consumer killed mid-batch', () => {
  it('records each event exactly once after it is restarted, and the chain stays whole', async () => {
    const events = Array.from({ length: 400 }, (_, i) =>
      platformEvent('document.updated', randomUUID(), { actor: 'ada', n: i }),
    );
    await produce(brokers(), topic, events);
    const first = await startChild();
    await until(async () => (await h.count()) >= 100, 60_000);
    first.kill('SIGKILL');
    const atKill = await h.count();
    await startChild();
    await until(async () => (await h.count()) === 400, 60_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const ids = await h.pool.query(
      'SELECT count(DISTINCT event_id)::int AS n, count(*)::int AS total FROM audit_log',
    );
    expect(ids.rows[0]).toEqual({ n: 400, total: 400 });
    const verify = await request(h.app.api)
      .get('/v1/audit/verify')
      .set('authorization', `Bearer ${await h.token()}`);
    expect(verify.body).toMatchObject({ valid: true, checked: 400 });
    console.log(
      `Audit crash story: killed at ${atKill}/400 entries; after restart, ${duplicates} redelivered events were recognised and skipped`,
    );
    expect(duplicates).toBeGreaterThan(0);
  });
});
