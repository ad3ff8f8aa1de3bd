/** The Audit service's configuration: the one place that reads its environment. */
import {
  baseEnv,
  envVar,
  jwtVerifyEnv,
  kafkaEnv,
  parseEnv,
  positiveIntSetting,
  postgresEnv,
} from '@quire/kit';
import { z } from 'zod';
import { type CheckpointSettings, defaultCheckpointSettings } from './checkpoint-policy.js';

/** When checkpoints are recorded; they are published on the audit topic. */
const checkpointEnv = z
  .object({
    [envVar.auditCheckpointEveryEntries]: positiveIntSetting(defaultCheckpointSettings.everyEntries),
    [envVar.auditCheckpointEverySeconds]: positiveIntSetting(defaultCheckpointSettings.everyMs / 1000),
  })
  .transform(
    (e): CheckpointSettings => ({
      everyEntries: e[envVar.auditCheckpointEveryEntries],
      everyMs: e[envVar.auditCheckpointEverySeconds] * 1000,
      topic: defaultCheckpointSettings.topic,
    }),
  );

/**
 * Audit's schema: the kit's parts it needs and when to checkpoint. It verifies access tokens because
 * its query and verify API is for admins; the operator renders QUIRE_AUTH_JWKS_URL for it, as the
 * kit's catalogue requires.
 */
export const auditServiceEnv = {
  base: baseEnv,
  postgres: postgresEnv,
  kafka: kafkaEnv,
  jwt: jwtVerifyEnv,
  checkpoints: checkpointEnv,
};

/** Reads and checks the environment once, failing with every problem listed. */
export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  parseEnv(auditServiceEnv, env);
export type AuditConfig = ReturnType<typeof loadConfig>;
