import { afterEach, describe, expect, it } from 'vitest';
import { createRuntimeMetrics } from './metrics.js';
import { ProbesServer, parseBindAddress } from './probes-server.js';

let server: ProbesServer | undefined;
afterEach(async () => {
  await server?.close();
});

describe('the probes server', () => {
  it('parses bind addresses, with 0 meaning disabled', () => {
    expect(parseBindAddress(':8080')).toEqual({ host: undefined, port: 8080 });
    expect(parseBindAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseBindAddress('[::1]:9090')).toEqual({ host: '::1', port: 9090 });
    expect(parseBindAddress('0')).toBeUndefined();
  });

  it('answers ok when every check passes, and 500 naming each failing check otherwise', async () => {
    let synced = false;
    server = new ProbesServer({
      healthz: { ping: () => true },
      readyz: { informers: () => synced || 'the caches have not synced yet', other: () => true },
      metrics: createRuntimeMetrics().registry,
    });
    const port = await server.listen({ host: '127.0.0.1', port: 0 });
    const get = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      return [res.status, await res.text()] as const;
    };
    expect(await get('/healthz')).toEqual([200, 'ok\n']);
    expect(await get('/readyz')).toEqual([500, '[-]informers failed: the caches have not synced yet\n']);
    synced = true;
    expect(await get('/readyz')).toEqual([200, 'ok\n']);
    const [status, metrics] = await get('/metrics');
    expect(status).toBe(200);
    expect(metrics).toContain('# TYPE controller_runtime_reconcile_total counter');
    expect((await get('/other'))[0]).toBe(404);
  });
});
