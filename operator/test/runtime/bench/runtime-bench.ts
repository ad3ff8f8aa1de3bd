/**
 * Benchmarks of the controller runtime, reported as ratios against an in-run baseline (absolute
 * numbers depend on the machine). Run with `npm run bench -w @quire/operator`; the apply part needs
 * the local cluster (`make cluster-up`) and is skipped without it.
 *   1. Work queue: adds and drains with deduplication, against a bare array and Set.
 *   2. Desired-state hash of a 1 kB object, against JSON.stringify of it.
 *   3. Applying N unchanged objects: the hash check (0 writes) against sending a no-op
 *      server-side apply for each, and the first apply.
 */
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { createTestNamespace, readStackEnv } from '@quire/dev';
import { ApiClient } from '../../../src/runtime/api-client.js';
import { Applier } from '../../../src/runtime/apply.js';
import { desiredHash } from '../../../src/runtime/desired-hash.js';
import { createRuntimeMetrics } from '../../../src/runtime/metrics.js';
import { kinds } from '../../../src/runtime/resource-kind.js';
import { countRequests, writeMethods } from '../../../src/runtime/rest-client-metrics.js';
import { SharedInformers } from '../../../src/runtime/shared-informers.js';
import { WorkQueue } from '../../../src/runtime/work-queue.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function time(rounds: number, run: () => Promise<void> | void): Promise<number> {
  await run(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

async function queueBench(): Promise<void> {
  const adds = 200_000;
  const keys = 10_000;
  const viaQueue = await time(5, async () => {
    const queue = new WorkQueue({ name: 'bench', metrics: createRuntimeMetrics() });
    for (let i = 0; i < adds; i++) queue.add(`ns/k${i % keys}`);
    for (
      let key = await queue.get();
      key !== undefined;
      key = queue.len() > 0 ? await queue.get() : undefined
    ) {
      queue.done(key);
    }
  });
  const baseline = await time(5, () => {
    const items: string[] = [];
    const dirty = new Set<string>();
    for (let i = 0; i < adds; i++) {
      const key = `ns/k${i % keys}`;
      if (!dirty.has(key)) {
        dirty.add(key);
        items.push(key);
      }
    }
    for (const key of items) dirty.delete(key);
  });
  console.log(
    `work queue: ${adds} adds of ${keys} keys, drained: ${viaQueue.toFixed(1)} ms ` +
      `(${Math.round(adds / (viaQueue / 1000)).toLocaleString('en')} adds/s), ${(viaQueue / baseline).toFixed(1)}× a bare array and Set`,
  );
}

async function hashBench(): Promise<void> {
  const object = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: 'quire', labels: { a: 'b', c: 'd' } },
    data: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`key${i}`, 'x'.repeat(40)])),
  };
  const n = 20_000;
  const hashing = await time(5, () => {
    for (let i = 0; i < n; i++) desiredHash(object);
  });
  const stringify = await time(5, () => {
    for (let i = 0; i < n; i++) JSON.stringify(object);
  });
  console.log(
    `desired hash of a ${JSON.stringify(object).length}-byte object: ${((hashing / n) * 1000).toFixed(1)} µs, ` +
      `${(hashing / stringify).toFixed(1)}× JSON.stringify`,
  );
}

async function applyBench(): Promise<void> {
  let env: Record<string, string>;
  try {
    env = readStackEnv();
  } catch {
    console.log('apply: skipped (the local cluster is not up: make cluster-up)');
    return;
  }
  if (!env.KUBECONFIG || !existsSync(env.KUBECONFIG))
    return void console.log('apply: skipped (no kubeconfig)');
  process.env.KUBECONFIG ??= env.KUBECONFIG;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(env.KUBECONFIG);
  const ns = await createTestNamespace('runtime-bench');
  try {
    const n = 200;
    const metrics = createRuntimeMetrics();
    const client = new ApiClient(kubeConfig, { metrics });
    const informers = new SharedInformers({ client, namespaces: [ns.name] });
    informers.for(kinds.configMap);
    informers.start();
    await informers.waitForSync();
    const applier = new Applier({ client, fieldManager: 'quire-bench', informers });
    const objects = Array.from({ length: n }, (_, i) => ({
      metadata: { name: `bench-${i}`, namespace: ns.name },
      data: { value: String(i) },
    }));
    const pass = async (a: Applier) => {
      const writesBefore = await countRequests(metrics, writeMethods);
      const start = performance.now();
      for (const object of objects) await a.apply(kinds.configMap, object);
      return {
        ms: performance.now() - start,
        writes: (await countRequests(metrics, writeMethods)) - writesBefore,
      };
    };
    const first = await pass(applier);
    // Wait for the watch to bring the applied versions into the cache.
    while (informers.for(kinds.configMap).list().length < n) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    const unchanged = await pass(applier);
    // Without the hash check: a fresh applier remembers nothing, so it sends a no-op apply for each object.
    const resent = await pass(new Applier({ client, fieldManager: 'quire-bench', informers }));
    await informers.stop();
    console.log(
      `apply ${n} ConfigMaps: first ${first.ms.toFixed(0)} ms (${first.writes} writes); ` +
        `unchanged, hash check ${unchanged.ms.toFixed(1)} ms (${unchanged.writes} writes); ` +
        `unchanged, no-op server-side apply ${resent.ms.toFixed(0)} ms (${resent.writes} writes): ` +
        `the hash check is ${(resent.ms / unchanged.ms).toFixed(0)}× faster than resending`,
    );
  } finally {
    await ns.dispose();
  }
}

console.log(`Node ${process.version}`);
await queueBench();
await hashBench();
await applyBench();
