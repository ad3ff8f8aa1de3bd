/**
 * Streaming a body of unknown length into one S3 object through one reused part buffer: a part is
 * sent before more is read (backpressure reaches the producer), so the memory held is one part
 * whatever the object's size. The same pattern as Document's uploads; a failure aborts the upload,
 * so no parts are left behind. (lib-storage's Upload concatenates a fresh buffer per part and keeps
 * views into the previous one, which measured several parts of live memory here.)
 */
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';

/** Writes `source` to `bucket/key`; resolves with the number of bytes written. */
export async function writeObject(
  s3: S3Client,
  target: { bucket: string; key: string; contentType: string; partSizeBytes: number },
  source: AsyncIterable<Buffer>,
): Promise<number> {
  const { bucket: Bucket, key: Key, partSizeBytes: partSize } = target;
  const buffer = Buffer.allocUnsafe(partSize);
  let filled = 0;
  let total = 0;
  let uploadId: string | undefined;
  const parts: CompletedPart[] = [];
  const sendPart = async () => {
    uploadId ??= (
      await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType: target.contentType }))
    ).UploadId;
    const PartNumber = parts.length + 1;
    const { ETag } = await s3.send(
      new UploadPartCommand({
        Bucket,
        Key,
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
      total += chunk.length;
      for (let offset = 0; offset < chunk.length; ) {
        const n = Math.min(chunk.length - offset, partSize - filled);
        chunk.copy(buffer, filled, offset, offset + n);
        filled += n;
        offset += n;
        if (filled === partSize) await sendPart();
      }
    }
    if (uploadId === undefined) {
      await s3.send(
        new PutObjectCommand({
          Bucket,
          Key,
          Body: buffer.subarray(0, filled),
          ContentLength: filled,
          ContentType: target.contentType,
        }),
      );
      return total;
    }
    if (filled > 0) await sendPart();
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    return total;
  } catch (err) {
    if (uploadId !== undefined) {
      await s3
        .send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: uploadId }))
        .catch(() => undefined);
    }
    throw err;
  }
}
