/**
 * Building an archive from S3 to S3 without holding it: yazl writes the ZIP as a stream, documents
 * are added one at a time (the next GetObject opens only when the previous body was read to its
 * end), and the ZIP stream is uploaded as a multipart upload through one reused part buffer with one
 * part in flight (multipart-writer.ts). Memory is about one part plus one download's stream buffers,
 * whatever the number or size of the documents; yazl writes ZIP64 records past 4 GiB.
 *
 * Every body is checked against the size and SHA-256 the request listed, so the archive holds
 * exactly the bytes of the version the requester asked for; a mismatch fails the export.
 */
import { createHash } from 'node:crypto';
import { type Readable, Transform } from 'node:stream';
import { finished } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  NoSuchKey,
  type S3Client,
} from '@aws-sdk/client-s3';
import { ZipFile } from 'yazl';
import {
  compressible,
  type Manifest,
  type ManifestEntry,
  manifestEntry,
  manifestPath,
} from './archive-layout.js';
import type { ExportDocument } from './export-request.js';
import { writeObject } from './multipart-writer.js';

/** Raised when stored content is not what the request said it was: retrying cannot help. */
export class ContentMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContentMismatchError';
  }
}

/** Counts and hashes a body as it flows, failing at its end when either differs from the listing. */
function verified(body: Readable, d: ExportDocument, onBytes: (n: number) => void): Transform {
  const hash = createHash('sha256');
  let size = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      hash.update(chunk);
      onBytes(chunk.length);
      done(null, chunk);
    },
    flush(done) {
      const sha = hash.digest('hex');
      if (size !== d.size || sha !== d.sha256) {
        done(
          new ContentMismatchError(
            `Document ${d.id} has ${size} bytes with SHA-256 ${sha}, not ${d.size} and ${d.sha256}`,
          ),
        );
      } else done();
    },
  });
  body.on('error', (err) => check.destroy(err));
  return body.pipe(check);
}

/** Aborts multipart uploads of `key` left by a worker that died mid-export (and any other still open), so storage does not keep their parts. */
async function abortLeftovers(s3: S3Client, bucket: string, key: string): Promise<void> {
  const { Uploads = [] } = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }));
  for (const u of Uploads) {
    if (u.Key === key && u.UploadId) {
      await s3
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: u.UploadId }))
        .catch(() => undefined);
    }
  }
}

export interface BuildOptions {
  s3: S3Client;
  sourceBucket: string;
  targetBucket: string;
  key: string;
  documents: ExportDocument[];
  manifest: Omit<Manifest, 'documents' | 'skipped'> & { skipped: Manifest['skipped'] };
  partSizeBytes: number;
  /** Called after each document (and as bytes flow, at most every 250 ms) with the progress so far. */
  onProgress?: (p: { documentsDone: number; bytesDone: number }) => void | Promise<void>;
}

/** Streams the archive into `targetBucket/key`; returns its size and what it holds. */
export async function buildArchive(o: BuildOptions): Promise<{ bytes: number; manifest: Manifest }> {
  await abortLeftovers(o.s3, o.targetBucket, o.key);
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  const uploaded = writeObject(
    o.s3,
    { bucket: o.targetBucket, key: o.key, contentType: 'application/zip', partSizeBytes: o.partSizeBytes },
    output,
  );
  // yazl reports failures on the ZipFile; the upload would otherwise wait for a stream that never ends.
  const zipFailed = new Promise<never>((_, reject) => zip.on('error', reject));
  // Either may fail while no race is waiting on it (during a GetObject): the loop sees it at its next race.
  for (const p of [zipFailed, uploaded]) p.catch(() => undefined);
  const documents: ManifestEntry[] = [];
  const skipped = [...o.manifest.skipped];
  let bytesDone = 0;
  let lastReport = 0;
  // Progress writes go one after another, so a late one never records less than an earlier one.
  let reported: Promise<void> = Promise.resolve();
  const report = (force: boolean) => {
    if (!force && Date.now() - lastReport < 250) return reported;
    lastReport = Date.now();
    const p = { documentsDone: documents.length + skipped.length - o.manifest.skipped.length, bytesDone };
    reported = reported.then(() => o.onProgress?.(p)).catch(() => undefined);
    return reported;
  };
  try {
    for (const d of o.documents) {
      let body: Readable;
      try {
        const out = await o.s3.send(new GetObjectCommand({ Bucket: o.sourceBucket, Key: d.objectKey }));
        body = out.Body as Readable;
      } catch (err) {
        if (!(err instanceof NoSuchKey)) throw err;
        skipped.push({ id: d.id, title: d.title, reason: 'content-missing' });
        continue;
      }
      const entry = manifestEntry(d);
      const stream = verified(body, d, (n) => {
        bytesDone += n;
        void report(false);
      });
      zip.addReadStream(stream, entry.path, {
        size: d.size,
        compress: compressible(d.contentType),
        mtime: new Date(d.updatedAt),
      });
      // Waiting for the end keeps one download open at a time; yazl reads it only as the upload drains.
      await Promise.race([finished(stream), zipFailed, uploaded]);
      documents.push(entry);
      await report(true);
    }
    const manifest: Manifest = { ...o.manifest, documents, skipped };
    zip.addBuffer(Buffer.from(JSON.stringify(manifest, null, 2)), manifestPath, { compress: true });
    zip.end();
    const bytes = await Promise.race([uploaded, zipFailed]);
    // Again once the archive is in place: a dying worker's last CreateMultipartUpload can reach the
    // server after this run's first sweep, and would otherwise keep its parts in storage for good.
    await abortLeftovers(o.s3, o.targetBucket, o.key);
    return { bytes, manifest };
  } catch (err) {
    // Ending the ZIP stream with an error makes the writer abort its multipart upload.
    output.destroy(err as Error);
    await uploaded.catch(() => undefined);
    throw err;
  }
}
