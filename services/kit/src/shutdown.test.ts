import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Readiness } from './health.js';
import { shutdown } from './shutdown.js';
import { testLogger } from './testing/index.js';

describe('shutting down', () => {
  it('fails readiness, lets an in-flight request finish, then closes resources in order', async () => {
    const server = createServer((_req, res) => {
      setTimeout(() => res.end('done'), 300);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const inFlight = fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 50));
    const readiness = new Readiness();
    const closed: string[] = [];
    const code = await shutdown({
      logger: testLogger(),
      readiness,
      servers: [server],
      timeoutMs: 5_000,
      steps: [
        { name: 'relay', close: async () => closed.push('relay') },
        { name: 'pool', close: async () => closed.push('pool') },
      ],
    });
    expect(await inFlight).toBe('done');
    expect(code).toBe(0);
    expect(closed).toEqual(['relay', 'pool']);
    expect((await readiness.evaluate()).ready).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});
