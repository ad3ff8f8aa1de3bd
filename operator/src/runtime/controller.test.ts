import { KubeConfig } from '@kubernetes/client-node';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { ApiClient } from './api-client.js';
import { Controller, type Reconciler, TerminalError } from './controller.js';
import { createRuntimeMetrics, type RuntimeMetrics } from './metrics.js';
import { ItemExponentialRateLimiter } from './rate-limiter.js';
import { kinds } from './resource-kind.js';
import { SharedInformers } from './shared-informers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A controller whose informers never start: keys are enqueued by hand, no API server is needed. */
function controllerFor(reconcile: Reconciler, options: { workers?: number; metrics?: RuntimeMetrics } = {}) {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const exporter = new InMemorySpanExporter();
  const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }).getTracer(
    'test',
  );
  const metrics = options.metrics ?? createRuntimeMetrics();
  const controller = new Controller({
    name: 'test',
    for: kinds.configMap,
    informers: new SharedInformers({ client: new ApiClient(kubeConfig) }),
    reconcile,
    metrics,
    tracer,
    workers: options.workers ?? 2,
    rateLimiter: new ItemExponentialRateLimiter({ baseDelayMs: 10, maxDelayMs: 1000 }),
  });
  controller.start();
  return { controller, metrics, exporter };
}

async function total(metrics: RuntimeMetrics, result: string): Promise<number> {
  const { values } = await metrics.reconcileTotal.get();
  return values.find((v) => v.labels.result === result)?.value ?? 0;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

describe('a controller', () => {
  it('reconciles a key given only its namespace and name, and counts a success', async () => {
    const seen: unknown[] = [];
    const { controller, metrics } = controllerFor(async (key) => {
      seen.push(key);
      return undefined;
    });
    controller.enqueue({ namespace: 'ns', name: 'a' });
    await until(async () => (await total(metrics, 'success')) === 1);
    expect(seen).toEqual([{ namespace: 'ns', name: 'a' }]);
    await controller.stop(100);
  });

  it('retries a failing reconcile with growing delays, then forgets the failures once it succeeds', async () => {
    const times: number[] = [];
    const { controller, metrics } = controllerFor(async (_key, ctx) => {
      times.push(performance.now());
      if (ctx.retries < 4) throw new Error('the backing service is down');
      return undefined;
    });
    controller.enqueue({ namespace: 'ns', name: 'a' });
    await until(async () => (await total(metrics, 'success')) === 1);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    expect(gaps).toHaveLength(4);
    // At least each backoff, 10 to 80 ms (less 1 ms of timer slack); a loaded machine only adds to them.
    for (const [i, gap] of gaps.entries()) expect(gap, `gap ${i}`).toBeGreaterThanOrEqual(10 * 2 ** i - 1);
    expect((await metrics.reconcileErrors.get()).values[0]?.value).toBe(4);
    expect(controller.queue.numRequeues('ns/a')).toBe(0);
    await controller.stop(100);
  });

  it('counts a reconcile that throws a programming error as a panic, and keeps reconciling other keys', async () => {
    const done: string[] = [];
    const { controller, metrics } = controllerFor(((key) => {
      if (key.name === 'bad') {
        const broken = undefined as unknown as { call(): void };
        broken.call(); // a TypeError, thrown before any promise exists
      }
      done.push(key.name);
      return Promise.resolve(undefined);
    }) as Reconciler);
    controller.enqueue({ namespace: 'ns', name: 'bad' });
    for (let i = 0; i < 5; i++) controller.enqueue({ namespace: 'ns', name: `good-${i}` });
    await until(() => done.length === 5);
    await until(async () => ((await metrics.reconcilePanics.get()).values[0]?.value ?? 0) >= 2);
    expect(done.sort()).toEqual(['good-0', 'good-1', 'good-2', 'good-3', 'good-4']);
    await controller.stop(100);
  });

  it('does not retry a terminal error', async () => {
    let calls = 0;
    const { controller, metrics } = controllerFor(async () => {
      calls += 1;
      throw new TerminalError('the spec asks for something impossible');
    });
    controller.enqueue({ namespace: 'ns', name: 'a' });
    await until(async () => ((await metrics.terminalReconcileErrors.get()).values[0]?.value ?? 0) === 1);
    await sleep(100);
    expect(calls).toBe(1);
    await controller.stop(100);
  });

  it('brings a key back after the requeueAfter it asked for', async () => {
    const times: number[] = [];
    const { controller, metrics } = controllerFor(async () => {
      times.push(performance.now());
      return times.length === 1 ? { requeueAfterMs: 150 } : undefined;
    });
    controller.enqueue({ namespace: 'ns', name: 'a' });
    await until(() => times.length === 2);
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(145);
    expect(await total(metrics, 'requeue_after')).toBe(1);
    await controller.stop(100);
  });

  it('never runs two reconciles of one key at once, whatever the number of workers', async () => {
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    let release: () => void = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { controller } = controllerFor(
      async () => {
        running += 1;
        calls += 1;
        maxRunning = Math.max(maxRunning, running);
        if (calls === 1) await firstHeld;
        running -= 1;
        return undefined;
      },
      { workers: 8 },
    );
    controller.enqueue({ namespace: 'ns', name: 'a' });
    await until(() => calls === 1);
    // Twenty adds while the first reconcile is held, with seven idle workers, coalesce into one more.
    for (let i = 0; i < 20; i++) {
      controller.enqueue({ namespace: 'ns', name: 'a' });
      await sleep(1);
    }
    expect(calls).toBe(1);
    release();
    await until(() => running === 0 && controller.queue.len() === 0 && calls === 2);
    expect(maxRunning).toBe(1);
    await sleep(20);
    expect(calls).toBe(2);
    await controller.stop(100);
  });

  it('records one span per reconcile, marked as an error when the reconcile fails', async () => {
    let fail = true;
    const { controller, exporter } = controllerFor(async () => {
      if (fail) {
        fail = false;
        throw new Error('first attempt fails');
      }
      return undefined;
    });
    controller.enqueue({ namespace: 'ns', name: 'a' });
    await until(() => exporter.getFinishedSpans().length === 2);
    const [failed, succeeded] = exporter.getFinishedSpans();
    expect(failed?.name).toBe('reconcile ConfigMap');
    expect(failed?.status.code).toBe(2);
    expect(failed?.attributes).toMatchObject({ 'quire.object.name': 'a', 'quire.reconcile.result': 'error' });
    expect(succeeded?.attributes['quire.reconcile.result']).toBe('success');
    await controller.stop(100);
  });

  it('on stop, lets an in-flight reconcile finish within the grace period and takes no new work', async () => {
    let finished = 0;
    let started = 0;
    const { controller } = controllerFor(async () => {
      started += 1;
      await sleep(100);
      finished += 1;
      return undefined;
    });
    controller.enqueue({ namespace: 'ns', name: 'a' });
    await until(() => started === 1);
    controller.enqueue({ namespace: 'ns', name: 'b' });
    controller.enqueue({ namespace: 'ns', name: 'c' });
    await sleep(5);
    const drained = await controller.stop(1000);
    expect(drained).toBe(true);
    expect(finished).toBe(started);
    controller.enqueue({ namespace: 'ns', name: 'd' });
    await sleep(50);
    expect(started).toBeLessThanOrEqual(3);
  });

  it('on stop, aborts a reconcile that outlives the grace period', async () => {
    let aborted = false;
    const { controller } = controllerFor(async (_key, ctx) => {
      await new Promise<void>((resolve) => {
        ctx.signal.addEventListener('abort', () => {
          aborted = true;
          resolve();
        });
      });
      return undefined;
    });
    controller.enqueue({ namespace: 'ns', name: 'a' });
    await sleep(20);
    expect(await controller.stop(50)).toBe(false);
    expect(aborted).toBe(true);
  });
});
