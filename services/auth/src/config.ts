/** The Auth service's configuration: the one place that reads its environment. */
import { baseEnv, envVar, kafkaEnv, parseEnv, postgresEnv, redisEnv } from '@quire/kit';
import { z } from 'zod';

const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** A comma-separated list of SPIFFE IDs, each exact or a prefix ending in `*`. */
const spiffeIdList = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z
        .string()
        .regex(
          /^spiffe:\/\/[a-z0-9._-]+\/[^\s,*]*\*?$/,
          'must be SPIFFE IDs (spiffe://<trust domain>/ns/<namespace>/sa/<service account>), comma-separated, each exact or ending in *',
        ),
    ),
  );

/** Auth's own settings: token lifetimes, key rotation, login limits, the trusted proxy and the first admin. */
export const authEnv = z
  .object({
    [envVar.authIssuer]: z.string().min(1).default('quire-auth'),
    [envVar.authAudience]: z.string().min(1).default('quire'),
    [envVar.accessTokenTtlSeconds]: positive(300),
    [envVar.refreshTokenTtlSeconds]: positive(30 * 24 * 3600),
    [envVar.signingKeyRotationHours]: positive(24),
    [envVar.loginMaxFailuresPerAccount]: positive(5),
    [envVar.loginMaxAttemptsPerAddress]: positive(30),
    [envVar.loginWindowSeconds]: positive(900),
    [envVar.trustedProxyIds]: spiffeIdList,
    [envVar.authBootstrapAdminEmail]: z
      .string()
      .trim()
      .pipe(z.email('must be an email address'))
      .transform((e) => e.toLowerCase())
      .optional(),
    [envVar.kafkaBrokers]: z.string().optional(),
  })
  .transform((e) => ({
    issuer: e[envVar.authIssuer],
    audience: e[envVar.authAudience],
    accessTokenTtlSeconds: e[envVar.accessTokenTtlSeconds],
    refreshTokenTtlSeconds: e[envVar.refreshTokenTtlSeconds],
    signingKeyRotationMs: e[envVar.signingKeyRotationHours] * 3600_000,
    login: {
      maxFailuresPerAccount: e[envVar.loginMaxFailuresPerAccount],
      maxAttemptsPerAddress: e[envVar.loginMaxAttemptsPerAddress],
      windowSeconds: e[envVar.loginWindowSeconds],
    },
    trustedProxyIds: e[envVar.trustedProxyIds],
    bootstrapAdminEmail: e[envVar.authBootstrapAdminEmail],
  }));
export type AuthSettings = z.output<typeof authEnv>;

/** Auth's schema: the kit's parts plus its own; Kafka brokers are required in the cluster. */
export const authServiceEnv = {
  base: baseEnv,
  postgres: postgresEnv,
  redis: redisEnv,
  auth: authEnv,
  // The kit's, like every other service's: Auth read only the brokers, so spec.kafka.tls and
  // spec.kafka.sasl never reached its publisher.
  kafka: kafkaEnv,
};

/** Reads and checks the environment once, failing with every problem listed. */
export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  parseEnv(authServiceEnv, env);
export type AuthConfig = ReturnType<typeof loadConfig>;

/** Auth settings with every default, for tests. */
export const defaultAuthSettings = (): AuthSettings => authEnv.parse({});
