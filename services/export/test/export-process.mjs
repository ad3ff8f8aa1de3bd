// The Export consumer alone in a child process: for measuring its memory during a large export (a
// test process would mix in its own allocations) and for SIGKILLing it mid-export. Every 200 ms it
// collects garbage (it runs with --expose-gc) and samples process.memoryUsage(), so the peaks are of
// memory still in use, which is what buffering an archive would grow; it answers 'memory' over IPC
// with the baseline taken when it joined and the peaks since, and tells the parent when it joined
// and about each redelivery.
import { createPgPool, createS3Client } from '@quire/kit';
import { testLogger } from '@quire/kit/testing';
import { defaultExportSettings } from '../dist/config.js';
import { startExportConsumer } from '../dist/export-consumer.js';

const env = process.env;
const logger = testLogger('export');
const pool = createPgPool({
  url: env.QUIRE_POSTGRES_URL,
  schema: env.PROBE_SCHEMA,
  applicationName: 'probe',
  logger,
});
const s3 = createS3Client({
  endpoint: env.QUIRE_S3_ENDPOINT,
  region: env.QUIRE_S3_REGION,
  credentials: { accessKeyId: env.QUIRE_S3_ACCESS_KEY_ID, secretAccessKey: env.QUIRE_S3_SECRET_ACCESS_KEY },
});
const consumer = await startExportConsumer({
  pool,
  s3,
  bucket: env.PROBE_BUCKET,
  brokers: env.QUIRE_KAFKA_BROKERS.split(','),
  logger,
  settings: defaultExportSettings(),
  groupId: env.PROBE_GROUP,
  topic: env.PROBE_TOPIC,
  resultsTopic: env.PROBE_RESULTS,
  deadLetterTopic: env.PROBE_DLQ,
  sessionTimeoutMs: 6_000,
  onDuplicate: () => process.send?.('duplicate'),
});
await consumer.joined;
global.gc?.();
const baseline = process.memoryUsage();
const peak = {
  rss: baseline.rss,
  heapUsed: baseline.heapUsed,
  external: baseline.external,
  arrayBuffers: baseline.arrayBuffers,
};
setInterval(() => {
  if (!env.PROBE_NO_GC) global.gc?.();
  const m = process.memoryUsage();
  for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], m[k]);
}, 200).unref();
process.on('message', (m) => {
  if (m === 'memory') process.send?.({ baseline, peak });
});
process.send?.('joined');
