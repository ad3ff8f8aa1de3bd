import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { produce } from '@quire/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokers, documentEvent, type NotificationHarness, startNotification, until } from './harness.js';

let h: NotificationHarness;
let topic: string;
let duplicates = 0;
const children: ChildProcess[] = [];
beforeAll(async () => {
  h = await startNotification();
  topic = (await h.topics(['crash'], 1)).crash;
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await h?.close();
});

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

describe('a notification consumer killed mid-batch', () => {
  it('leaves exactly one notification per event once it is restarted', async () => {
    const bob = randomUUID();
    const events = Array.from({ length: 300 }, (_, i) =>
      documentEvent('document.shared', {
        id: randomUUID(),
        version: 2,
        ownerId: 'ada',
        title: `Plan ${i}`,
        shares: [{ userId: bob, permission: 'read' }],
      }),
    );
    await produce(brokers(), topic, events);
    const first = await startChild();
    await until(async () => (await h.count(bob)) >= 80, 60_000);
    first.kill('SIGKILL');
    const atKill = await h.count(bob);
    await startChild();
    await until(async () => (await h.count(bob)) === 300, 60_000);
    await new Promise((r) => setTimeout(r, 1_000));
    const { rows } = await h.pool.query(
      'SELECT count(*)::int AS total, count(DISTINCT event_id)::int AS events FROM notifications WHERE user_id = $1',
      [bob],
    );
    expect(rows[0]).toEqual({ total: 300, events: 300 });
    console.log(
      `Notification crash story: killed at ${atKill}/300 notifications; ${duplicates} redelivered events recognised and skipped`,
    );
    expect(duplicates).toBeGreaterThan(0);
  });
});
