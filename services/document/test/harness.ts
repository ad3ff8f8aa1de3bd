/**
 * Builds the Document service for component tests over the real stack: its own PostgreSQL schema,
 * its own bucket in the S3 server and its own Kafka topic names per run, with tokens from a test
 * issuer whose JWKS the service fetches over HTTP, as it does from Auth in the cluster.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPgPool, createS3Client, migrateFolder } from '@quire/kit';
import { startTestIssuer, testLogger, testSetting, uniqueName } from '@quire/kit/testing';
import request from 'supertest';
import { createApp } from '../src/app.js';
import { type DocumentSettings, defaultDocumentSettings } from '../src/config.js';
import { ContentCleanup } from '../src/content-cleanup.js';
import type { DocumentTopics } from '../src/document-events.js';
import { migrationsDir } from '../src/migrations-dir.js';
import { ObjectStore } from '../src/object-store.js';

export interface Caller {
  subject: string;
  token: string;
}

/** An event's envelope as the outbox holds it, with what the tests read of it. */
export interface OutboxEvent {
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

/** An S3 client for the local stack's S3 server. */
export const stackS3 = (): S3Client =>
  createS3Client({
    endpoint: testSetting('QUIRE_S3_ENDPOINT'),
    region: testSetting('QUIRE_S3_REGION'),
    credentials: {
      accessKeyId: testSetting('QUIRE_S3_ACCESS_KEY_ID'),
      secretAccessKey: testSetting('QUIRE_S3_SECRET_ACCESS_KEY'),
    },
  });

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** The API an app serves: the harness's own, or one a test builds over other dependencies. */
export type DocumentApi = ReturnType<typeof createApp>['api'];

/** Requests to a Document API as one caller, with the caller's token on each. */
export function requestsAs(api: DocumentApi, caller: Caller) {
  const auth = (t: request.Test) => t.set('authorization', `Bearer ${caller.token}`);
  return {
    /** Uploads `body` titled Notes unless `query` names another title. */
    upload: (body: string | Buffer, query: Record<string, string> = {}, type = 'text/plain') =>
      auth(request(api).post('/v1/documents'))
        .query({ title: 'Notes', ...query })
        .set('content-type', type)
        .send(body),
    get: (path: string) => auth(request(api).get(path)),
    put: (path: string) => auth(request(api).put(path)),
    patch: (path: string) => auth(request(api).patch(path)),
    delete: (path: string) => auth(request(api).delete(path)),
    post: (path: string) => auth(request(api).post(path)),
    restore: (id: string) => auth(request(api).post(`/v1/documents/${id}/restore`)),
  };
}

/** Starts Document over this run's schema, bucket and topics (or the topics given, to meet another service). */
export async function startDocument(
  overrides: Partial<DocumentSettings> = {},
  options: { topics?: Partial<DocumentTopics> } = {},
) {
  const issuer = await startTestIssuer();
  const schema = uniqueName('document_test');
  const suffix = randomBytes(4).toString('hex');
  const bucket = `quire-test-${suffix}`;
  const topics: DocumentTopics = {
    events: `quire.document.events.test-${suffix}`,
    exports: `quire.export.requests.test-${suffix}`,
    exportResults: `quire.export.results.test-${suffix}`,
    ...options.topics,
  };
  const logger = testLogger('document');
  const s3 = stackS3();
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const objects = new ObjectStore(s3, bucket);
  const pool = createPgPool({
    url: testSetting('QUIRE_POSTGRES_URL'),
    schema,
    applicationName: 'quire-document-test',
    logger,
  });
  await migrateFolder(pool, schema, migrationsDir);
  const settings = { ...defaultDocumentSettings(), ...overrides };
  const app = createApp({
    pool,
    objects,
    verifier: issuer.verifier,
    logger,
    settings,
    topics,
    environment: 'test',
  });
  let server: Server | undefined;

  const objectKeys = async (): Promise<string[]> => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    return (out.Contents ?? []).map((o) => o.Key ?? '');
  };

  return {
    app,
    pool,
    objects,
    s3,
    bucket,
    schema,
    topics,
    settings,
    logger,
    issuer,
    /** A new user (or admin) with an access token. */
    async caller(roles: string[] = ['user']): Promise<Caller> {
      const subject = randomUUID();
      return { subject, token: await issuer.token({ subject, roles }) };
    },
    objectKeys,
    /** Whether the bucket holds an object under this key. */
    async stored(key: string): Promise<boolean> {
      return (await objectKeys()).includes(key);
    },
    /** A content cleanup over this run's database, and its objects unless a test wraps them. */
    cleanup(over: ObjectStore = objects): ContentCleanup {
      return new ContentCleanup({ pool, objects: over, logger });
    },
    /** Uploads a document as `owner` and deletes it; answers its id, content and object key. */
    async deleted(owner: Caller, text = `deleted ${randomBytes(4).toString('hex')}`) {
      const as = requestsAs(app.api, owner);
      const { body } = await as.upload(text).expect(201);
      await as.delete(`/v1/documents/${body.id}`).expect(204);
      const { rows } = await pool.query('SELECT object_key FROM documents WHERE id = $1', [body.id]);
      return { id: body.id as string, text, key: rows[0].object_key as string };
    },
    /** Rows of a table in this run's schema. */
    async count(table: 'documents' | 'object_cleanup' | 'outbox' | 'document_shares'): Promise<number> {
      return (await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    },
    /** The events in the outbox, oldest first; only those about `subject` when it is given. */
    async events(subject?: string): Promise<OutboxEvent[]> {
      const { rows } = await pool.query('SELECT envelope FROM outbox ORDER BY created_at, id');
      const events: OutboxEvent[] = rows.map((r) => r.envelope);
      return subject === undefined ? events : events.filter((e) => e.subject === subject);
    },
    /** Serves the API on a loopback port (for streamed uploads), once. */
    async url(): Promise<string> {
      server ??= await new Promise<Server>((resolve) => {
        const s = app.api.listen(0, '127.0.0.1', () => resolve(s));
      });
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      if (server) {
        server.closeAllConnections();
        await new Promise((r) => server?.close(r));
      }
      for (const key of await objectKeys())
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      s3.destroy();
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
      await issuer.close();
    },
  };
}

export type DocumentHarness = Awaited<ReturnType<typeof startDocument>>;

/** Sends a body as a stream over real HTTP (chunked unless a Content-Length header is given). */
export function streamRequest(
  url: string,
  options: {
    method: string;
    token: string;
    headers?: Record<string, string>;
    body: Readable | AsyncIterable<Buffer>;
  },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: options.method,
      headers: { authorization: `Bearer ${options.token}`, ...options.headers },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {}
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    // The server may answer (413) before the whole body was sent; the response is what counts.
    pipeline(Readable.from(options.body), req).catch(() => undefined);
  });
}

/** Downloads a URL and hashes it as it streams: the bytes are never held in memory. */
export function hashDownload(
  url: string,
  token?: string,
): Promise<{ status: number; size: number; sha256: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      const hash = createHash('sha256');
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        hash.update(c);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, size, sha256: hash.digest('hex'), headers: res.headers }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
