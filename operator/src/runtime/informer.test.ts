import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from './api-client.js';
import { Informer } from './informer.js';
import { createRuntimeMetrics, type RuntimeMetrics } from './metrics.js';
import { kinds } from './resource-kind.js';

// These tests pin down the watch protocol's edge cases against a scripted HTTP server; the
// integration tests (operator/test/runtime) run the informer against a real API server.

type Watcher = (res: ServerResponse, url: URL) => void;

const cm = (name: string, rv: string, value = name) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', resourceVersion: rv },
  data: { value },
});
const line = (type: string, object: unknown) => `${JSON.stringify({ type, object })}\n`;
/** Answers a watch request with 200 and keeps the stream open. */
const open = (res: ServerResponse): ServerResponse => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  return res;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fake API server: lists answer from `lists` in turn (the last repeats), watches run `watchers` in turn. */
class ScriptedServer {
  readonly requests: URL[] = [];
  lists: Array<{ rv: string; items: unknown[] }> = [{ rv: '10', items: [] }];
  watchers: Watcher[] = [];
  private server: Server | undefined;
  private listCalls = 0;
  private watchCalls = 0;

  async start(): Promise<string> {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://x');
      this.requests.push(url);
      if (url.searchParams.get('watch') === 'true') {
        const watcher = this.watchers[this.watchCalls++] ?? ((r) => setTimeout(() => open(r).end(), 5_000));
        watcher(res, url);
        return;
      }
      const list = this.lists[Math.min(this.listCalls++, this.lists.length - 1)];
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ metadata: { resourceVersion: list?.rv }, items: list?.items ?? [] }));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  watchRequests(): URL[] {
    return this.requests.filter((u) => u.searchParams.get('watch') === 'true');
  }

  listRequests(): URL[] {
    return this.requests.filter((u) => u.searchParams.get('watch') !== 'true');
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

let server: ScriptedServer;
let informer: Informer | undefined;
let metrics: RuntimeMetrics;

afterEach(async () => {
  await informer?.stop();
  await server?.stop();
});

async function startInformer(options: { silenceTimeoutMs?: number; resyncPeriodMs?: number } = {}) {
  const base = await server.start();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: base, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  metrics = createRuntimeMetrics();
  const seen: string[] = [];
  informer = new Informer({
    client: new ApiClient(kubeConfig, { metrics }),
    kind: kinds.configMap,
    namespace: 'ns',
    backoff: { initialMs: 20, maxMs: 100 },
    silenceTimeoutMs: options.silenceTimeoutMs ?? 10_000,
    resyncPeriodMs: options.resyncPeriodMs,
    metrics,
  });
  informer.addHandler({
    onAdd: (o) => seen.push(`add ${o.metadata.name}`),
    onUpdate: (old, o) =>
      seen.push(`update ${o.metadata.name} ${old.metadata.resourceVersion}->${o.metadata.resourceVersion}`),
    onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
  });
  informer.start();
  await informer.waitForSync();
  return seen;
}

async function until(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

const total = async (metric: 'watchRestarts' | 'relists') =>
  (await metrics[metric].get()).values.reduce((sum, v) => sum + v.value, 0);

describe('the informer', () => {
  it('lists, then watches from the list resourceVersion, with bookmarks asked for', async () => {
    server = new ScriptedServer();
    server.lists = [{ rv: '10', items: [cm('a', '9')] }];
    const seen = await startInformer();
    await until(() => server.watchRequests().length === 1);
    const watch = server.watchRequests()[0] as URL;
    expect(watch.searchParams.get('resourceVersion')).toBe('10');
    expect(watch.searchParams.get('allowWatchBookmarks')).toBe('true');
    expect(Number(watch.searchParams.get('timeoutSeconds'))).toBeGreaterThanOrEqual(300);
    expect(seen).toEqual(['add a']);
    expect(informer?.cache.get({ namespace: 'ns', name: 'a' })?.metadata.resourceVersion).toBe('9');
  });

  it('reads events split across chunks, and resumes from the last bookmark when the server ends the watch', async () => {
    server = new ScriptedServer();
    server.watchers = [
      (res) => {
        open(res);
        const event = line('ADDED', cm('b', '11'));
        res.write(event.slice(0, 20));
        setTimeout(() => res.write(event.slice(20)), 20);
        setTimeout(
          () => res.write(line('BOOKMARK', { kind: 'ConfigMap', metadata: { resourceVersion: '42' } })),
          40,
        );
        setTimeout(() => res.end(), 1_100);
      },
    ];
    const seen = await startInformer();
    await until(() => server.watchRequests().length === 2);
    expect(seen).toEqual(['add b']);
    expect(server.watchRequests()[1]?.searchParams.get('resourceVersion')).toBe('42');
    expect(server.listRequests()).toHaveLength(1);
    expect(await total('watchRestarts')).toBe(0);
  });

  it('relists at once after an ERROR event with code 410, reporting what changed meanwhile', async () => {
    server = new ScriptedServer();
    server.lists = [
      { rv: '10', items: [cm('a', '5'), cm('gone', '6')] },
      { rv: '20', items: [cm('a', '15'), cm('new', '16')] },
    ];
    server.watchers = [
      (res) =>
        open(res).end(
          line('ERROR', {
            kind: 'Status',
            code: 410,
            reason: 'Expired',
            message: 'too old resource version',
          }),
        ),
    ];
    const seen = await startInformer();
    await until(() => server.watchRequests().length === 2);
    expect(server.listRequests()).toHaveLength(2);
    expect(server.watchRequests()[1]?.searchParams.get('resourceVersion')).toBe('20');
    expect(seen).toEqual(['add a', 'add gone', 'add new', 'update a 5->15', 'delete gone']);
    expect(await total('relists')).toBe(1);
    expect(await total('watchRestarts')).toBe(0);
  });

  it('relists after an HTTP 410 answer to the watch request', async () => {
    server = new ScriptedServer();
    server.lists = [
      { rv: '10', items: [] },
      { rv: '30', items: [cm('c', '29')] },
    ];
    server.watchers = [
      (res) => {
        res.writeHead(410, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({ kind: 'Status', code: 410, reason: 'Gone', message: 'too old resource version' }),
        );
      },
    ];
    const seen = await startInformer();
    await until(() => server.watchRequests().length === 2);
    expect(server.watchRequests()[1]?.searchParams.get('resourceVersion')).toBe('30');
    expect(seen).toEqual(['add c']);
    expect(await total('relists')).toBe(1);
  });

  it('rewatches from the same resourceVersion after a dropped connection, without relisting', async () => {
    server = new ScriptedServer();
    server.watchers = [(res) => open(res).destroy()];
    await startInformer();
    await until(() => server.watchRequests().length >= 2);
    expect(server.watchRequests()[1]?.searchParams.get('resourceVersion')).toBe('10');
    expect(await total('watchRestarts')).toBeGreaterThanOrEqual(1);
    expect(await total('relists')).toBe(0);
  });

  it('restarts a watch that says nothing for the silence timeout, from the same resourceVersion', async () => {
    server = new ScriptedServer();
    server.watchers = [(res) => void open(res)];
    await startInformer({ silenceTimeoutMs: 200 });
    await until(() => server.watchRequests().length >= 2);
    const restarts = (await metrics.watchRestarts.get()).values;
    expect(restarts[0]?.labels.reason).toBe('silent');
    expect(server.watchRequests()[1]?.searchParams.get('resourceVersion')).toBe('10');
  });

  it('backs off exponentially while the watch keeps failing', async () => {
    server = new ScriptedServer();
    server.watchers = Array.from({ length: 6 }, () => (res: ServerResponse) => res.destroy());
    const started = performance.now();
    await startInformer();
    await until(() => server.watchRequests().length >= 6, 5_000);
    // Five failures wait at least 20 + 40 + 80 + 100 + 100 ms (capped at 100 ms here).
    expect(performance.now() - started).toBeGreaterThanOrEqual(340);
    expect(await total('watchRestarts')).toBeGreaterThanOrEqual(5);
    expect(server.listRequests()).toHaveLength(1);
  });

  it('keeps going when a handler throws, and replays the cache on resync', async () => {
    server = new ScriptedServer();
    server.lists = [{ rv: '10', items: [cm('a', '9'), cm('b', '9')] }];
    const seen = await startInformer({ resyncPeriodMs: 100 });
    informer?.addHandler({
      onUpdate: () => {
        throw new Error('a broken handler');
      },
    });
    await until(() => seen.filter((s) => s.startsWith('update')).length >= 4);
    expect(seen).toContain('update a 9->9');
    expect(seen).toContain('update b 9->9');
  });
});
