/**
 * Builds the Export service for component tests over the real stack: its own schema, a source
 * bucket standing in for Document's, an export bucket, and Kafka topics per run.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPgPool, createS3Client, type EventEnvelope, migrateFolder, newEvent } from '@quire/kit';
import { createTestTopics, testLogger, testSetting, uniqueName } from '@quire/kit/testing';
import type { ExportDocument } from '../src/export-request.js';
import { migrationsDir } from '../src/migrations-dir.js';

export const brokers = () => testSetting('QUIRE_KAFKA_BROKERS').split(',');
export const stackS3 = (): S3Client =>
  createS3Client({
    endpoint: testSetting('QUIRE_S3_ENDPOINT'),
    region: testSetting('QUIRE_S3_REGION'),
    credentials: {
      accessKeyId: testSetting('QUIRE_S3_ACCESS_KEY_ID'),
      secretAccessKey: testSetting('QUIRE_S3_SECRET_ACCESS_KEY'),
    },
  });
export const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function emptyBucket(s3: S3Client, bucket: string) {
  for (;;) {
    const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    if (Contents.length === 0) break;
    await Promise.all(Contents.map((o) => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }))));
  }
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
}

export async function startExport() {
  const suffix = randomBytes(4).toString('hex');
  const schema = uniqueName('export_test');
  const logger = testLogger('export');
  const s3 = stackS3();
  const sourceBucket = `quire-test-docs-${suffix}`;
  const bucket = `quire-test-exports-${suffix}`;
  for (const b of [sourceBucket, bucket]) await s3.send(new CreateBucketCommand({ Bucket: b }));
  const pool = createPgPool({
    url: testSetting('QUIRE_POSTGRES_URL'),
    schema,
    applicationName: 'export-test',
    logger,
  });
  await migrateFolder(pool, schema, migrationsDir);
  const topics = {
    requests: `quire.export-test.requests.${suffix}`,
    results: `quire.export-test.results.${suffix}`,
    dlq: `quire.export-test.dlq.${suffix}`,
  };
  const drop = await createTestTopics(
    brokers(),
    Object.values(topics).map((topic) => ({ topic, numPartitions: 2 })),
  );
  const contents = new Map<string, Buffer>();
  return {
    pool,
    s3,
    schema,
    logger,
    sourceBucket,
    bucket,
    topics,
    /** What each seeded document holds, by id. */
    contents,
    /** Stores documents of the given sizes as Document would, readable by `readers`. */
    async seed(sizes: number[], readers: string[], concurrency = 8): Promise<ExportDocument[]> {
      const docs: ExportDocument[] = [];
      const queue = sizes.map((size, i) => ({ size, i }));
      const worker = async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const id = randomUUID();
          const body = randomBytes(next.size);
          const objectKey = `documents/${id}/${randomUUID()}`;
          await s3.send(
            new PutObjectCommand({
              Bucket: sourceBucket,
              Key: objectKey,
              Body: body,
              ContentLength: body.length,
            }),
          );
          contents.set(id, body);
          const at = new Date().toISOString();
          docs.push({
            id,
            version: 1,
            title: `Document ${next.i}`,
            contentType: next.i % 2 ? 'text/plain' : 'application/octet-stream',
            size: body.length,
            sha256: sha256(body),
            objectKey,
            tags: [],
            readers,
            createdAt: at,
            updatedAt: at,
          });
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      return docs;
    },
    /** An `export.requested` event (schema 2) as Document publishes it. */
    request(
      requestedBy: string,
      documents: ExportDocument[],
      extra: Record<string, unknown> = {},
    ): EventEnvelope {
      const exportId = randomUUID();
      return newEvent({
        type: 'export.requested',
        source: 'document',
        subject: exportId,
        schemaVersion: 2,
        data: {
          exportId,
          requestedBy,
          ownerId: requestedBy,
          format: 'zip',
          sourceBucket,
          documents,
          ...extra,
        },
      });
    },
    async job(exportId: string) {
      return (await pool.query('SELECT * FROM export_jobs WHERE export_id = $1', [exportId])).rows[0];
    },
    async close() {
      await drop();
      for (const b of [sourceBucket, bucket]) await emptyBucket(s3, b).catch(() => undefined);
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
    },
  };
}
export type ExportHarness = Awaited<ReturnType<typeof startExport>>;

/** Polls until `check` resolves true. */
export async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`The condition did not hold within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
