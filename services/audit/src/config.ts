/** The Audit service's configuration: the one place that reads its environment. */
import { baseEnv, jwtVerifyEnv, kafkaEnv, parseEnv, postgresEnv } from '@quire/kit';

/**
 * Audit's schema: the kit's parts it needs. It verifies access tokens because its query and verify
 * API is for admins; the operator renders QUIRE_AUTH_JWKS_URL for it, as the kit's catalogue requires.
 */
export const auditServiceEnv = { base: baseEnv, postgres: postgresEnv, kafka: kafkaEnv, jwt: jwtVerifyEnv };

/** Reads and checks the environment once, failing with every problem listed. */
export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  parseEnv(auditServiceEnv, env);
export type AuditConfig = ReturnType<typeof loadConfig>;
