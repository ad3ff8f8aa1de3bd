import { type ChildProcess, fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, type DocumentHarness, hashDownload, startDocument, streamRequest } from './harness.js';

type Peak = { heapUsed: number; rss: number; arrayBuffers: number };
const mib = 1024 * 1024;
let h: DocumentHarness;
let ada: Caller;
let service: ChildProcess;
let url: string;

/** Sends a message to the service process and waits for the answer that has `key`. */
const ask = <T>(msg: unknown, key: string): Promise<T> =>
  new Promise((resolve) => {
    const on = (m: Record<string, unknown>) => {
      if (key in m) {
        service.off('message', on);
        resolve(m[key] as T);
      }
    };
    service.on('message', on);
    if (msg !== undefined) service.send(msg as never);
  });

beforeAll(async () => {
  h = await startDocument();
  ada = await h.caller();
  // The service runs in its own process (from the build), so its memory is measured alone.
  service = fork(fileURLToPath(new URL('./upload-memory-server.mjs', import.meta.url)), {
    execArgv: ['--expose-gc'],
    env: { ...process.env, PROBE_SCHEMA: h.schema, PROBE_BUCKET: h.bucket, PROBE_JWKS_URL: h.issuer.jwksUrl },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  url = `http://127.0.0.1:${await ask<number>(undefined, 'port')}`;
});
afterAll(async () => {
  service?.send('exit');
  await h?.close();
});

/** Uploads `total` random bytes, made as they are sent, and returns the answer and the SHA-256 sent. */
async function uploadRandom(total: number) {
  const sent = createHash('sha256');
  async function* body(): AsyncGenerator<Buffer> {
    for (let n = 0; n < total; n += 256 * 1024) {
      const chunk = randomBytes(256 * 1024);
      sent.update(chunk);
      yield chunk;
    }
  }
  const started = performance.now();
  const res = await streamRequest(`${url}/v1/documents?title=Big%20scan&size=${total}`, {
    method: 'POST',
    token: ada.token,
    headers: { 'content-type': 'application/pdf' },
    body: body(),
  });
  return { res, sha256: sent.digest('hex'), seconds: (performance.now() - started) / 1000 };
}

/** Runs `fn` while the service samples its memory; `gc` collects garbage before each sample. */
async function measured<T>(gc: boolean, fn: () => Promise<T>): Promise<{ result: T; peak: Peak }> {
  await ask({ start: true, gc }, 'started');
  const result = await fn();
  return { result, peak: await ask<Peak>('stop', 'peak') };
}

describe('a 50 MB upload', () => {
  it('streams through to a multipart upload holding about one part in memory, and downloads byte-identical', async () => {
    const total = 50 * mib;
    const live = await measured(true, () => uploadRandom(total));
    expect(live.result.res.status).toBe(201);
    const doc = live.result.res.body as { id: string; size: number; sha256: string };
    expect(doc).toMatchObject({ size: total, sha256: live.result.sha256 });

    const raw = await measured(false, () => uploadRandom(total));
    expect(raw.result.res.status).toBe(201);
    const download = await measured(true, () =>
      hashDownload(`${url}/v1/documents/${doc.id}/content`, ada.token),
    );
    expect(download.result).toMatchObject({ status: 200, size: total, sha256: live.result.sha256 });

    console.log(
      [
        `50 MiB upload: ${raw.result.seconds.toFixed(1)} s (${live.result.seconds.toFixed(1)} s while collecting garbage for each sample); service process peak growth in MiB:`,
        `  in use (GC before each sample): ${JSON.stringify(live.peak)}`,
        `  raw (garbage not yet collected): ${JSON.stringify(raw.peak)}`,
        `  download, in use: ${JSON.stringify(download.peak)}`,
      ].join('\n'),
    );
    // Buffering the body would hold 50 MiB; streaming holds one 8 MiB part plus socket buffers.
    expect(live.peak.heapUsed).toBeLessThan(40);
    expect(live.peak.arrayBuffers).toBeLessThan(25);
    expect(download.peak.arrayBuffers).toBeLessThan(25);
  }, 120_000);
});
