import { describe, expect, it } from 'vitest';
import { createRuntimeMetrics } from './metrics.js';
import { ItemExponentialRateLimiter } from './rate-limiter.js';
import { WorkQueue } from './work-queue.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the work queue', () => {
  it('holds a key once however often it is added before a worker takes it', async () => {
    const queue = new WorkQueue({ name: 't' });
    for (let i = 0; i < 100; i++) queue.add('ns/a');
    queue.add('ns/b');
    expect(queue.len()).toBe(2);
    expect(await queue.get()).toBe('ns/a');
    expect(await queue.get()).toBe('ns/b');
    expect(queue.len()).toBe(0);
  });

  it('never hands a key being processed to a second worker, and hands it out again after done', async () => {
    const queue = new WorkQueue({ name: 't' });
    queue.add('a');
    const first = await queue.get();
    queue.add('a');
    queue.add('b');
    // A second worker gets b, not the a that is still being processed.
    expect(await queue.get()).toBe('b');
    expect(queue.len()).toBe(0);
    queue.done(first as string);
    expect(queue.len()).toBe(1);
    expect(await queue.get()).toBe('a');
  });

  it('hands a key added while a worker waits straight to that worker', async () => {
    const queue = new WorkQueue({ name: 't' });
    const waiting = queue.get();
    queue.add('x');
    expect(await waiting).toBe('x');
    expect(queue.inFlight()).toBe(1);
  });

  it('adds a key after a delay, keeping the earliest of several delays', async () => {
    const queue = new WorkQueue({ name: 't' });
    queue.addAfter('a', 200);
    queue.addAfter('a', 20);
    queue.addAfter('a', 500);
    expect(queue.len()).toBe(0);
    await sleep(60);
    expect(queue.len()).toBe(1);
    await queue.get();
    queue.done('a');
    await sleep(300);
    expect(queue.len()).toBe(0);
  });

  it('retries a failing key after exponentially growing delays, and counts the retries', async () => {
    const metrics = createRuntimeMetrics();
    const queue = new WorkQueue({
      name: 'retry',
      metrics,
      rateLimiter: new ItemExponentialRateLimiter({ baseDelayMs: 10, maxDelayMs: 1000 }),
    });
    const gaps: number[] = [];
    queue.add('a');
    let last = performance.now();
    for (let attempt = 0; attempt < 5; attempt++) {
      const key = (await queue.get()) as string;
      const now = performance.now();
      if (attempt > 0) gaps.push(now - last);
      last = now;
      queue.addRateLimited(key);
      queue.done(key);
    }
    // Each gap is at least its backoff, 10, 20, 40 and 80 ms (less 1 ms: Node may fire a timer that
    // early). Only lower bounds: on a loaded machine a timer fires late, so one gap may outlast the next.
    for (const [i, gap] of gaps.entries()) expect(gap, `gap ${i}`).toBeGreaterThanOrEqual(10 * 2 ** i - 1);
    expect(queue.numRequeues('a')).toBe(5);
    queue.forget('a');
    expect(queue.numRequeues('a')).toBe(0);
    const retries = await metrics.queueRetries.get();
    expect(retries.values[0]?.value).toBe(5);
  });

  it('answers waiting workers with undefined on shutdown and takes no more work', async () => {
    const queue = new WorkQueue({ name: 't' });
    const waiting = [queue.get(), queue.get()];
    queue.shutDown();
    expect(await Promise.all(waiting)).toEqual([undefined, undefined]);
    queue.add('a');
    expect(queue.len()).toBe(0);
    expect(await queue.get()).toBeUndefined();
  });

  it('resolves whenIdle once the keys in progress are done', async () => {
    const queue = new WorkQueue({ name: 't' });
    queue.add('a');
    const key = (await queue.get()) as string;
    let idle = false;
    const whenIdle = queue.whenIdle().then(() => {
      idle = true;
    });
    await sleep(5);
    expect(idle).toBe(false);
    queue.done(key);
    await whenIdle;
    expect(idle).toBe(true);
  });

  it('reports depth, adds and durations under controller-runtime names', async () => {
    const metrics = createRuntimeMetrics();
    const queue = new WorkQueue({ name: 'platform', metrics });
    queue.add('a');
    queue.add('a');
    queue.add('b');
    expect((await metrics.queueDepth.get()).values[0]).toMatchObject({
      value: 2,
      labels: { name: 'platform', controller: 'platform' },
    });
    const key = (await queue.get()) as string;
    await sleep(5);
    const text = await metrics.registry.metrics();
    const unfinished = Number(/workqueue_unfinished_work_seconds\{[^}]*\} (\S+)/.exec(text)?.[1]);
    expect(unfinished).toBeGreaterThan(0.004);
    expect(unfinished).toBeLessThan(1);
    queue.done(key);
    expect((await metrics.queueAdds.get()).values[0]?.value).toBe(2);
    expect((await metrics.queueDepth.get()).values[0]?.value).toBe(1);
    const work = await metrics.workDuration.get();
    expect(work.values.find((v) => v.metricName === 'workqueue_work_duration_seconds_count')?.value).toBe(1);
  });
});
