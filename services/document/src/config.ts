/** The Document service's configuration: the one place that reads its environment. */
import { baseEnv, envVar, jwtVerifyEnv, kafkaEnv, parseEnv, postgresEnv, s3Env } from '@quire/kit';
import { z } from 'zod';

/** How uploads, downloads and the content cleanup behave. */
export interface DocumentSettings {
  /** Largest accepted upload in bytes. */
  maxUploadBytes: number;
  /** Seconds replaced or deleted content is kept before the cleanup removes it. */
  contentRetentionSeconds: number;
  /** Lifetime of presigned download URLs. */
  presignedUrlTtlSeconds: number;
  /** Size of each part of a multipart upload, and so the memory one upload holds (S3's minimum is 5 MiB). */
  partSizeBytes: number;
  /** Bytes of a text document's start kept for the search index. */
  textExcerptBytes: number;
}

const mib = 1024 * 1024;

/** The defaults, for tests that override a few settings. */
export const defaultDocumentSettings = (): DocumentSettings => ({
  maxUploadBytes: 100 * mib,
  contentRetentionSeconds: 86_400,
  presignedUrlTtlSeconds: 300,
  partSizeBytes: 8 * mib,
  textExcerptBytes: 32 * 1024,
});

const documentEnv = z
  .object({
    [envVar.documentMaxUploadBytes]: z.coerce
      .number()
      .int()
      .positive()
      .default(100 * mib),
    [envVar.documentContentRetentionSeconds]: z.coerce.number().int().min(0).default(86_400),
    [envVar.documentPresignedUrlTtlSeconds]: z.coerce.number().int().min(1).max(604_800).default(300),
  })
  .transform(
    (e): DocumentSettings => ({
      ...defaultDocumentSettings(),
      maxUploadBytes: e[envVar.documentMaxUploadBytes],
      contentRetentionSeconds: e[envVar.documentContentRetentionSeconds],
      presignedUrlTtlSeconds: e[envVar.documentPresignedUrlTtlSeconds],
    }),
  );

/** Document's schema: the kit's parts it needs and its own settings. */
export const documentServiceEnv = {
  base: baseEnv,
  postgres: postgresEnv,
  kafka: kafkaEnv,
  jwt: jwtVerifyEnv,
  s3: s3Env,
  document: documentEnv,
};

/** Reads and checks the environment once, failing with every problem listed. */
export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  parseEnv(documentServiceEnv, env);
export type DocumentConfig = ReturnType<typeof loadConfig>;
