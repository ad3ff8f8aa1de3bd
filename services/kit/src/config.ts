/**
 * Parsing a service's environment: each service composes its one schema from the parts below, every
 * part is checked, and start-up fails once with every problem listed (values are never echoed, since
 * some are secrets).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { type KafkaAccess, kafkaSaslMechanisms } from './kafka-access.js';
import { serviceNames } from './service-catalogue.js';
import { databaseSchemas, defaultPorts, envVar, tlsFiles } from './service-env.js';
import { parseSpiffeId } from './tls/spiffe.js';

/** Thrown when the environment does not satisfy a service's schema; lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The service configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const wholeNumber = 'must be a whole number of at least 1';
/** A setting that is a whole number of at least 1, with its default; services use it for their own. */
export const positiveIntSetting = (fallback: number) =>
  z.coerce.number(wholeNumber).int(wholeNumber).positive(wholeNumber).default(fallback);
const positive = positiveIntSetting;
const bool = (fallback: boolean) => z.stringbool().default(fallback);
const optionalUrl = z.url().optional();

/** What every service reads: identity, ports, TLS, logging, tracing and shutdown. */
export const baseEnv = z
  .object({
    [envVar.serviceName]: z.enum(serviceNames),
    [envVar.environment]: z.enum(['production', 'development', 'test']).default('production'),
    [envVar.httpPort]: port(defaultPorts.http),
    [envVar.opsPort]: port(defaultPorts.ops),
    [envVar.tlsMode]: z.enum(['mtls', 'plain']).default('mtls'),
    [envVar.tlsDir]: z.string().min(1).default(tlsFiles.dir),
    [envVar.logLevel]: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    [envVar.otlpEndpoint]: optionalUrl,
    [envVar.traceSampleRatio]: z.coerce.number().min(0).max(1).default(0.1),
    [envVar.shutdownTimeoutSeconds]: positive(20),
  })
  .transform((e) => ({
    serviceName: e[envVar.serviceName],
    environment: e[envVar.environment],
    httpPort: e[envVar.httpPort],
    opsPort: e[envVar.opsPort],
    tls: { mode: e[envVar.tlsMode], dir: e[envVar.tlsDir] },
    logLevel: e[envVar.logLevel],
    otlpEndpoint: e[envVar.otlpEndpoint],
    traceSampleRatio: e[envVar.traceSampleRatio],
    shutdownTimeoutMs: e[envVar.shutdownTimeoutSeconds] * 1000,
  }));
export type BaseConfig = z.output<typeof baseEnv>;

/** PostgreSQL: the URL, the service's schema (defaulting to the catalogue's) and the pool size. */
export const postgresEnv = z
  .object({
    [envVar.serviceName]: z.enum(serviceNames).optional(),
    [envVar.databaseUrl]: z.url({ protocol: /^postgres(ql)?$/ }),
    [envVar.databaseSchema]: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
      .optional(),
    [envVar.databasePoolSize]: positive(10),
    [envVar.migrateOnStart]: bool(false),
  })
  .transform((e, ctx) => {
    const service = e[envVar.serviceName];
    const schema = e[envVar.databaseSchema] ?? (service ? databaseSchemas[service] : undefined);
    if (schema === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [envVar.databaseSchema],
        message: 'is required for this service',
      });
      return z.NEVER;
    }
    return {
      url: e[envVar.databaseUrl],
      schema,
      poolSize: e[envVar.databasePoolSize],
      migrateOnStart: e[envVar.migrateOnStart],
    };
  });
export type PostgresConfig = z.output<typeof postgresEnv>;

/** Redis: one URL, either a single node or a cluster's seed nodes. */
export const redisEnv = z
  .object({ [envVar.redisUrl]: z.string().regex(/^rediss?(-cluster)?:\/\/.+/, 'must be a redis:// URL') })
  .transform((e) => ({ url: e[envVar.redisUrl] }));
export type RedisConfig = z.output<typeof redisEnv>;

/**
 * Kafka: the bootstrap brokers, and how to get in (TLS with an optional CA file, a SASL login). The CA
 * file is read here, so a missing mount fails start-up naming the variable rather than the first
 * connection failing with a certificate error.
 */
export const kafkaEnv = z
  .object({
    [envVar.kafkaBrokers]: z
      .string()
      .transform((s) => s.split(',').map((b) => b.trim()))
      .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port')).min(1)),
    [envVar.kafkaTls]: bool(false),
    [envVar.kafkaCaFile]: z.string().min(1).optional(),
    [envVar.kafkaSaslMechanism]: z.enum(kafkaSaslMechanisms).optional(),
    [envVar.kafkaSaslUsername]: z.string().min(1).optional(),
    [envVar.kafkaSaslPassword]: z.string().min(1).optional(),
  })
  .transform((e, ctx) => {
    const caFile = e[envVar.kafkaCaFile];
    let ca: string | undefined;
    if (caFile !== undefined && !e[envVar.kafkaTls]) {
      ctx.addIssue({
        code: 'custom',
        path: [envVar.kafkaCaFile],
        message: `names a CA but ${envVar.kafkaTls} is not true: set ${envVar.kafkaTls}=true to connect over TLS`,
      });
    } else if (caFile !== undefined) {
      try {
        ca = readFileSync(caFile, 'utf8');
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          path: [envVar.kafkaCaFile],
          message: `cannot be read (${(err as Error).message}): mount the CA's PEM bundle there, or unset it to trust the system CAs`,
        });
      }
    }
    const mechanism = e[envVar.kafkaSaslMechanism];
    const username = e[envVar.kafkaSaslUsername];
    const password = e[envVar.kafkaSaslPassword];
    if (mechanism === undefined && (username !== undefined || password !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [envVar.kafkaSaslMechanism],
        message: `is required with ${envVar.kafkaSaslUsername} and ${envVar.kafkaSaslPassword}: one of ${kafkaSaslMechanisms.join(', ')}`,
      });
    }
    if (mechanism !== undefined) {
      for (const [name, value] of [
        [envVar.kafkaSaslUsername, username],
        [envVar.kafkaSaslPassword, password],
      ] as const) {
        if (value === undefined)
          ctx.addIssue({
            code: 'custom',
            path: [name],
            message: `is required with ${envVar.kafkaSaslMechanism}`,
          });
      }
    }
    const access: KafkaAccess = {
      ...(e[envVar.kafkaTls] ? { tls: { ca } } : {}),
      ...(mechanism && username && password ? { sasl: { mechanism, username, password } } : {}),
    };
    return { brokers: e[envVar.kafkaBrokers], access };
  });
export type KafkaConfig = z.output<typeof kafkaEnv>;

/** Verifying access tokens: the Auth service's JWKS URL, issuer and audience. */
export const jwtVerifyEnv = z
  .object({
    [envVar.authJwksUrl]: z.url(),
    [envVar.authSpiffeId]: z
      .string()
      .refine((id) => parseSpiffeId(id) !== undefined, {
        error: 'must be a SPIFFE ID such as spiffe://quire.local/ns/quire/sa/quire-auth',
      })
      .optional(),
    [envVar.authIssuer]: z.string().min(1).default('quire-auth'),
    [envVar.authAudience]: z.string().min(1).default('quire'),
  })
  .transform((e) => ({
    jwksUrl: e[envVar.authJwksUrl],
    ...(e[envVar.authSpiffeId] ? { serverId: e[envVar.authSpiffeId] } : {}),
    issuer: e[envVar.authIssuer],
    audience: e[envVar.authAudience],
  }));
export type JwtVerifyConfig = z.output<typeof jwtVerifyEnv>;

type EnvParts = Record<string, z.ZodType>;
export type ParsedEnv<P extends EnvParts> = { [K in keyof P]: z.output<P[K]> };

/**
 * Parses the environment against a service's schema, given as named parts; fails with a
 * ConfigError naming every variable that is missing or wrong.
 */
export function parseEnv<P extends EnvParts>(
  parts: P,
  env: Record<string, string | undefined> = process.env,
): ParsedEnv<P> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(parts)) {
    const result = schema.safeParse(env);
    if (result.success) {
      out[name] = result.data;
      continue;
    }
    for (const issue of result.error.issues) {
      const variable = issue.path.join('.') || name;
      const missing = issue.code === 'invalid_type' && env[variable] === undefined;
      problems.push(`${variable}: ${missing ? 'is required' : issue.message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return out as ParsedEnv<P>;
}
