// The Document service alone in a child process, for measuring its memory during one large upload
// (a test process would mix in its own allocations). It serves the built app on a loopback port and
// answers the parent over IPC: `start` takes a baseline, `stop` returns the peak growth since. With
// `gc` (and --expose-gc) it collects garbage before each sample, so the figures are memory still in
// use, which is what buffering a body would grow; without it they include garbage not yet collected.
import { createJwksVerifier, createPgPool, createS3Client } from '@quire/kit';
import { testLogger } from '@quire/kit/testing';
import { createApp } from '../dist/app.js';
import { defaultDocumentSettings } from '../dist/config.js';
import { ObjectStore } from '../dist/object-store.js';

const env = process.env;
const logger = testLogger('document');
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
const verifier = createJwksVerifier({ jwksUrl: env.PROBE_JWKS_URL, issuer: 'quire-auth', audience: 'quire' });
const app = createApp({
  pool,
  objects: new ObjectStore(s3, env.PROBE_BUCKET),
  verifier,
  logger,
  settings: defaultDocumentSettings(),
});

const mib = 1024 * 1024;
let start;
let peak;
let timer;
let collect = false;
const sample = () => {
  if (collect) globalThis.gc?.();
  const m = process.memoryUsage();
  for (const k of ['heapUsed', 'rss', 'arrayBuffers']) peak[k] = Math.max(peak[k], m[k] - start[k]);
};

const server = app.api.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (msg) => {
  if (msg?.start) {
    collect = msg.gc === true;
    globalThis.gc?.();
    start = process.memoryUsage();
    peak = { heapUsed: 0, rss: 0, arrayBuffers: 0 };
    // A full collection costs milliseconds, so those samples are sparser.
    timer = setInterval(sample, collect ? 50 : 10);
    process.send({ started: true });
  } else if (msg === 'stop') {
    clearInterval(timer);
    sample();
    const round = (n) => Math.round((n / mib) * 10) / 10;
    process.send({
      peak: { heapUsed: round(peak.heapUsed), rss: round(peak.rss), arrayBuffers: round(peak.arrayBuffers) },
    });
  } else if (msg === 'exit') {
    server.close();
    void pool.end().then(() => process.exit(0));
  }
});
