import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Client as SearchClient } from '@opensearch-project/opensearch';
import { Redis } from 'ioredis';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { stackSetting } from '../src/stack-env.js';

// Each test proves one backing service of the local stack for real, with the client library the
// services use, against the settings that `make stack-up` wrote to .run/env. Names are unique per
// run so that a stack left up between runs never makes a test pass on stale data.
const runId = randomUUID().slice(0, 8);

function s3Client(secretAccessKey = stackSetting('QUIRE_S3_SECRET_ACCESS_KEY')): S3Client {
  const config: S3ClientConfig = {
    endpoint: stackSetting('QUIRE_S3_ENDPOINT'),
    region: stackSetting('QUIRE_S3_REGION'),
    credentials: { accessKeyId: stackSetting('QUIRE_S3_ACCESS_KEY_ID'), secretAccessKey },
    // Buckets as path segments: the local endpoint has no wildcard DNS for virtual hosts.
    forcePathStyle: true,
    // Checksums only where S3 requires them, as the services configure it for S3-compatible stores.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
  return new S3Client(config);
}

describe('the local stack', () => {
  it('PostgreSQL stores a row and returns it in a later query', async () => {
    const client = new pg.Client({ connectionString: stackSetting('QUIRE_POSTGRES_URL') });
    await client.connect();
    try {
      const table = `stack_it_${runId}`;
      await client.query(`CREATE TABLE ${table} (id serial PRIMARY KEY, title text NOT NULL)`);
      try {
        await client.query(`INSERT INTO ${table} (title) VALUES ($1)`, ['a round trip']);
        const { rows } = await client.query<{ title: string }>(`SELECT title FROM ${table}`);
        expect(rows).toEqual([{ title: 'a round trip' }]);
      } finally {
        await client.query(`DROP TABLE ${table}`);
      }
      const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
      expect(rows[0]?.db).toBe('quire');
    } finally {
      await client.end();
    }
  });

  it('Redis returns a stored value until it is deleted', async () => {
    const redis = new Redis(stackSetting('QUIRE_REDIS_URL'), { maxRetriesPerRequest: 1 });
    try {
      const key = `stack-it:${runId}`;
      expect(await redis.set(key, 'a session', 'EX', 60)).toBe('OK');
      expect(await redis.get(key)).toBe('a session');
      expect(await redis.ttl(key)).toBeGreaterThan(0);
      expect(await redis.del(key)).toBe(1);
      expect(await redis.get(key)).toBeNull();
    } finally {
      redis.disconnect();
    }
  });

  it('Kafka delivers a produced message to a new consumer group on a fresh topic', async () => {
    const kafka = new Kafka({
      clientId: 'stack-it',
      brokers: stackSetting('QUIRE_KAFKA_BROKERS').split(','),
      logLevel: logLevel.WARN,
    });
    const topic = `stack-it-${runId}`;
    const admin = kafka.admin();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const consumer = kafka.consumer({ groupId: `stack-it-${runId}` });
    try {
      await admin.connect();
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })).toBe(
        true,
      );

      const sent = { key: `document-${runId}`, value: JSON.stringify({ event: 'uploaded', runId }) };
      await producer.connect();
      await producer.send({ topic, messages: [sent] });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = await new Promise<{ key: string; value: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no message consumed within 60s')), 60_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            clearTimeout(timer);
            resolve({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
          },
        });
      });
      expect(received).toEqual(sent);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('Kafka refuses a message for a topic nobody created, and does not create it', async () => {
    // As on a cluster the operator runs: a client that asks for a missing topic (one another test
    // deleted, say) gets an error, not a new topic with the broker's defaults.
    const kafka = new Kafka({
      clientId: 'stack-it',
      brokers: stackSetting('QUIRE_KAFKA_BROKERS').split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 1 },
    });
    const topic = `stack-it-missing-${runId}`;
    const admin = kafka.admin();
    const producer = kafka.producer({
      allowAutoTopicCreation: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    try {
      await producer.connect();
      await expect(producer.send({ topic, messages: [{ value: 'to nowhere' }] })).rejects.toThrow(
        'This server does not host this topic-partition',
      );
      await admin.connect();
      expect(await admin.listTopics()).not.toContain(topic);
    } finally {
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('S3 stores, lists, returns and deletes an object in a new bucket', async () => {
    const s3 = s3Client();
    const Bucket = `stack-it-${runId}`;
    const Key = 'documents/hello.txt';
    await s3.send(new CreateBucketCommand({ Bucket }));
    try {
      await s3.send(
        new PutObjectCommand({ Bucket, Key, Body: 'hello from the stack', ContentType: 'text/plain' }),
      );

      const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: 'documents/' }));
      expect(listed.Contents?.map((o) => o.Key)).toEqual([Key]);

      const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
      expect(got.ContentType).toBe('text/plain');
      expect(await got.Body?.transformToString()).toBe('hello from the stack');

      await s3.send(new DeleteObjectCommand({ Bucket, Key }));
      const after = await s3.send(new ListObjectsV2Command({ Bucket }));
      expect(after.KeyCount ?? 0).toBe(0);
    } finally {
      await s3.send(new DeleteBucketCommand({ Bucket })).catch(() => undefined);
      s3.destroy();
    }
  });

  it('S3 rejects a request signed with the wrong secret key with 403', async () => {
    const s3 = s3Client('not-the-secret-key');
    try {
      const error = await s3.send(new ListObjectsV2Command({ Bucket: `stack-it-${runId}` })).then(
        () => undefined,
        (e: unknown) => e as { name?: string; $metadata?: { httpStatusCode?: number } },
      );
      expect(error?.$metadata?.httpStatusCode).toBe(403);
      expect(error?.name).toBe('SignatureDoesNotMatch');
    } finally {
      s3.destroy();
    }
  });

  it('OpenSearch finds an indexed document with a match query after a refresh', async () => {
    const search = new SearchClient({ node: stackSetting('QUIRE_SEARCH_URL') });
    const index = `stack-it-${runId}`;
    try {
      await search.index({
        index,
        id: 'doc-1',
        body: { title: 'Quarterly architecture review', body: 'Kafka topics and database schemas' },
      });
      await search.index({ index, id: 'doc-2', body: { title: 'Holiday rota', body: 'Who is on call' } });
      await search.indices.refresh({ index });

      const result = await search.search({ index, body: { query: { match: { body: 'schemas' } } } });
      const hits = result.body.hits.hits.map((h) => h._id);
      expect(hits).toEqual(['doc-1']);
    } finally {
      await search.indices.delete({ index }).catch(() => undefined);
      await search.close();
    }
  });
});
