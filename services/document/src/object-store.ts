/**
 * Document content in S3-compatible storage. Uploads stream through one reused part buffer: a body
 * smaller than a part is one PutObject, a larger one a multipart upload with one part in flight, so
 * an upload holds about one part of memory whatever its size. Nothing becomes visible until the
 * caller's `beforeCommit` check passed: a refused upload leaves no object behind.
 */
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface PutOptions {
  contentType: string;
  partSizeBytes: number;
  /** Runs after the last byte was read and before the object is committed; throwing discards it. */
  beforeCommit: () => void | Promise<void>;
}

export class ObjectStore {
  constructor(
    readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  /** Streams `source` into `key`; on any failure the partial upload is aborted. */
  async put(key: string, source: AsyncIterable<Buffer>, options: PutOptions): Promise<void> {
    const { bucket: Bucket } = this;
    const partSize = options.partSizeBytes;
    const buffer = Buffer.allocUnsafe(partSize);
    let filled = 0;
    let uploadId: string | undefined;
    const parts: CompletedPart[] = [];
    // The part is sent before more is read, so `buffer` can be reused: reading waits (backpressure).
    const sendPart = async () => {
      uploadId ??= (
        await this.s3.send(
          new CreateMultipartUploadCommand({ Bucket, Key: key, ContentType: options.contentType }),
        )
      ).UploadId;
      const PartNumber = parts.length + 1;
      const { ETag } = await this.s3.send(
        new UploadPartCommand({
          Bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber,
          Body: buffer.subarray(0, filled),
          ContentLength: filled,
        }),
      );
      parts.push({ PartNumber, ETag });
      filled = 0;
    };
    try {
      for await (const chunk of source) {
        for (let offset = 0; offset < chunk.length; ) {
          const n = Math.min(chunk.length - offset, partSize - filled);
          chunk.copy(buffer, filled, offset, offset + n);
          filled += n;
          offset += n;
          if (filled === partSize) await sendPart();
        }
      }
      await options.beforeCommit();
      if (uploadId === undefined) {
        await this.s3.send(
          new PutObjectCommand({
            Bucket,
            Key: key,
            Body: buffer.subarray(0, filled),
            ContentLength: filled,
            ContentType: options.contentType,
          }),
        );
        return;
      }
      if (filled > 0) await sendPart();
      await this.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
    } catch (err) {
      if (uploadId !== undefined) {
        await this.s3
          .send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId: uploadId }))
          .catch(() => undefined);
      }
      throw err;
    }
  }

  /** The object's content as a stream, with its length. */
  async get(key: string): Promise<{ body: Readable; size: number }> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return { body: out.Body as Readable, size: out.ContentLength ?? 0 };
  }

  /** A URL that downloads the object without credentials until it expires. */
  presignGet(key: string, expiresInSeconds: number, contentType: string): Promise<string> {
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({ Bucket: this.bucket, Key: key, ResponseContentType: contentType }),
      { expiresIn: expiresInSeconds },
    );
  }

  /** Whether the object is in storage; any answer but found or not found is thrown. */
  async exists(key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      if ((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return false;
      throw err;
    }
  }

  /** Removes an object; removing one that is gone already succeeds. */
  async delete(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}
