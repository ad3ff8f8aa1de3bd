/** The Export service's configuration: the one place that reads its environment. */
import { baseEnv, kafkaEnv, parseEnv, postgresEnv, s3Env } from '@quire/kit';

/** Export's schema: the kit's parts it needs (S3 names the export bucket, where archives go). */
export const exportServiceEnv = { base: baseEnv, postgres: postgresEnv, kafka: kafkaEnv, s3: s3Env };

/** Reads and checks the environment once, failing with every problem listed. */
export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  parseEnv(exportServiceEnv, env);
export type ExportConfig = ReturnType<typeof loadConfig>;

/** How exports behave; fixed defaults, overridden by tests. */
export interface ExportSettings {
  /** Lifetime of the presigned download link (default 24 h; S3 allows at most 7 days). */
  linkTtlSeconds: number;
  /** Size of each uploaded part of the archive, and so about the memory an export holds (default 8 MiB). */
  partSizeBytes: number;
  /** Attempts at a request before it is reported failed (default 5). */
  maxAttempts: number;
}

export const defaultExportSettings = (): ExportSettings => ({
  linkTtlSeconds: 86_400,
  partSizeBytes: 8 * 1024 * 1024,
  maxAttempts: 5,
});
