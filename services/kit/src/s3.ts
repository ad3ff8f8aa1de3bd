/**
 * Object storage: the configuration part for S3-compatible stores and a client factory with the
 * settings every S3-compatible server (not only AWS) accepts.
 */
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { envVar } from './service-env.js';

/** S3: the endpoint, the service's bucket, the region and (optionally) static credentials. */
export const s3Env = z
  .object({
    [envVar.s3Endpoint]: z.url({ protocol: /^https?$/ }),
    [envVar.s3Bucket]: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        'must be an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)',
      ),
    [envVar.s3Region]: z.string().min(1).default('us-east-1'),
    [envVar.s3AccessKeyId]: z.string().min(1).optional(),
    [envVar.s3SecretAccessKey]: z.string().min(1).optional(),
  })
  .refine((e) => (e[envVar.s3AccessKeyId] === undefined) === (e[envVar.s3SecretAccessKey] === undefined), {
    path: [envVar.s3SecretAccessKey],
    message: `must be set together with ${envVar.s3AccessKeyId}`,
  })
  .transform((e) => {
    const accessKeyId = e[envVar.s3AccessKeyId];
    const secretAccessKey = e[envVar.s3SecretAccessKey];
    return {
      endpoint: e[envVar.s3Endpoint],
      bucket: e[envVar.s3Bucket],
      region: e[envVar.s3Region],
      ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
    };
  });
export type S3Config = z.output<typeof s3Env>;

/**
 * Creates an S3 client for an S3-compatible endpoint: path-style addressing (no DNS per bucket),
 * and checksums only where the API requires them, since SDK 3.729's default (aws-chunked bodies
 * with trailing CRC32) is not understood by every S3-compatible server.
 */
export function createS3Client(config: Omit<S3Config, 'bucket'>): S3Client {
  return new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(config.credentials ? { credentials: config.credentials } : {}),
  });
}

/** A readiness check that asks the store for the bucket. */
export const s3Check = (client: S3Client, bucket: string) => () =>
  client.send(new HeadBucketCommand({ Bucket: bucket }));
