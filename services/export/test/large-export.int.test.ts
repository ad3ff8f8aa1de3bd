import { type ChildProcess, fork } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createKafkaPublisher, OutboxRelay, parseEnvelope } from '@quire/kit';
import { downloadFetch, produce, readTopic } from '@quire/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveKeyOf } from '../src/export-worker.js';
import { unpack } from './archive-reader.js';
import { brokers, type ExportHarness, startExport, until } from './harness.js';

const mib = 1024 * 1024;
let h: ExportHarness;
let relay: OutboxRelay;
let dir: string;

const children: ChildProcess[] = [];
beforeAll(async () => {
  h = await startExport();
  dir = await mkdtemp(join(tmpdir(), 'quire-export-'));
  const publisher = createKafkaPublisher({ brokers: brokers(), clientId: 'export-test', logger: h.logger });
  relay = new OutboxRelay({ pool: h.pool, publisher, logger: h.logger, idleDelayMs: 50 });
  relay.start();
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await relay?.stop();
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The consumer in a child process (see export-process.mjs); resolves once it joined its group. */
function startChild(group: string): Promise<ChildProcess> {
  const child = fork(fileURLToPath(new URL('./export-process.mjs', import.meta.url)), {
    execArgv: ['--expose-gc'],
    env: {
      ...process.env,
      PROBE_SCHEMA: h.schema,
      PROBE_BUCKET: h.bucket,
      PROBE_GROUP: group,
      PROBE_TOPIC: h.topics.requests,
      PROBE_RESULTS: h.topics.results,
      PROBE_DLQ: h.topics.dlq,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.on('message', (m) => {
      if (m === 'joined') resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`The export worker exited with ${code} before joining`)));
  });
}

const ask = <T>(child: ChildProcess, what: string) =>
  new Promise<T>((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send(what);
  });

/** Sizes: `n` documents of 4 KiB to 256 KiB, and `large` of 16 MiB. */
const sizes = (n: number, large = 0) => [
  ...Array.from({ length: n }, (_, i) => 4096 + ((i * 7919) % 252) * 1024),
  ...Array.from({ length: large }, () => 16 * mib),
];

describe('a large export', () => {
  it('of 300 documents completes in bounded memory, and its archive unpacks to byte-identical files', async () => {
    const ada = 'ada';
    const docs = await h.seed(sizes(294, 6), [ada, 'bob']);
    const secret = await h.seed([2048], ['mallory']);
    const totalBytes = docs.reduce((n, d) => n + d.size, 0);
    const child = await startChild(`export-large-${h.schema}`);
    const request = h.request(ada, [...docs, ...(secret as [])]);
    const exportId = (request.data as { exportId: string }).exportId;
    const started = Date.now();
    await produce(brokers(), h.topics.requests, [request]);
    await until(async () => (await h.job(exportId))?.status === 'ready', 120_000);
    const seconds = (Date.now() - started) / 1000;
    const { baseline, peak } = await ask<{ baseline: NodeJS.MemoryUsage; peak: NodeJS.MemoryUsage }>(
      child,
      'memory',
    );

    const [message] = await readTopic(brokers(), h.topics.results, 1);
    const result = parseEnvelope(message?.value ?? null);
    expect(result?.type).toBe('export.ready');
    const data = result?.data as {
      downloadUrl: string;
      expiresAt: string;
      documentCount: number;
      skippedCount: number;
    };
    expect([data.documentCount, data.skippedCount]).toEqual([300, 1]);
    const file = join(dir, 'export.zip');
    const download = await downloadFetch(data.downloadUrl);
    expect(download.status).toBe(200);
    await pipeline(Readable.fromWeb(download.body as never), createWriteStream(file));

    const entries = await unpack(file);
    const manifest = JSON.parse(entries.get('manifest.json')?.text ?? '{}');
    expect(manifest.documents).toHaveLength(300);
    expect(manifest.skipped).toEqual([
      { id: secret[0]?.id, title: secret[0]?.title, reason: 'not-readable' },
    ]);
    for (const d of manifest.documents as { id: string; path: string; sha256: string }[]) {
      const entry = entries.get(d.path);
      const original = h.contents.get(d.id);
      expect(entry?.size).toBe(original?.length);
      expect(entry?.sha256).toBe(d.sha256);
    }
    expect([...entries.keys()].some((k) => k.includes(secret[0]?.id ?? '-'))).toBe(false);
    const job = await h.job(exportId);
    const archiveMiB = Number(job.archive_bytes) / mib;
    const grow = (k: 'rss' | 'heapUsed' | 'external') => (peak[k] - baseline[k]) / mib;
    const live = grow('heapUsed') + grow('external');
    console.log(
      `Export of 300 documents (${(totalBytes / mib).toFixed(1)} MiB, archive ${archiveMiB.toFixed(1)} MiB) in ${seconds.toFixed(1)} s; ` +
        `worker memory in use (GC before each 200 ms sample) grew by at most ${live.toFixed(1)} MiB ` +
        `(heap +${grow('heapUsed').toFixed(1)}, buffers +${grow('external').toFixed(1)}); peak RSS ${(peak.rss / mib).toFixed(0)} MiB ` +
        `(+${grow('rss').toFixed(0)} MiB over its idle baseline); part size 8 MiB`,
    );
    // Bounded: the memory in use grew by a few parts, far less than the archive it streamed.
    expect(live).toBeLessThan(64);
    expect(live).toBeLessThan(archiveMiB / 2);
  });

  it('killed mid-export and restarted, ends in one archive, one job and one export.ready for the request', async () => {
    const docs = await h.seed(sizes(150), ['bob']);
    const group = `export-crash-${h.schema}`;
    const first = await startChild(group);
    const request = h.request('bob', docs);
    const exportId = (request.data as { exportId: string }).exportId;
    await produce(brokers(), h.topics.requests, [request]);
    await until(async () => ((await h.job(exportId))?.documents_done ?? 0) >= 40);
    first.kill('SIGKILL');
    const atKill = (await h.job(exportId)).documents_done;
    await startChild(group);
    await until(async () => (await h.job(exportId))?.status === 'ready', 120_000);
    await new Promise((r) => setTimeout(r, 1_000));

    const job = await h.job(exportId);
    // At least the killed run and its successor; on a loaded machine a consumer-group rebalance can
    // restart the job once more. What must hold is below: one job, one event processed, one result,
    // one archive and no multipart upload left open.
    expect(job.runs).toBeGreaterThanOrEqual(2);
    const events = await h.pool.query(`SELECT count(*)::int AS n FROM processed_events WHERE event_id = $1`, [
      request.id,
    ]);
    expect(events.rows[0].n).toBe(1);
    const results = await readTopic(brokers(), h.topics.results, 3, 5_000);
    const ready = results.map((m) => parseEnvelope(m.value)).filter((e) => e?.subject === exportId);
    expect(ready.map((e) => e?.type)).toEqual(['export.ready']);
    const key = archiveKeyOf(exportId);
    const objects = await h.s3.send(new ListObjectsV2Command({ Bucket: h.bucket, Prefix: key }));
    expect(objects.Contents?.map((o) => o.Key)).toEqual([key]);
    const pending = await h.s3.send(new ListMultipartUploadsCommand({ Bucket: h.bucket, Prefix: key }));
    expect(pending.Uploads ?? []).toEqual([]);
    console.log(
      `Export crash story: killed at ${atKill}/150 documents; the restarted worker built the archive again in place`,
    );
  });
});
