/**
 * The one definition of how a Quire service is configured: environment variable names, ports, file
 * paths and which variables each service needs. The services' config schemas and the operator's
 * Deployment builders both import it, so what the operator sets and what a service reads cannot drift.
 */
import { type BackingStore, type ServiceName, serviceCatalogue } from './service-catalogue.js';

/** Every environment variable a Quire service reads, by role. */
export const envVar = {
  /** The service's name in the catalogue (auth, user, ...); labels logs, metrics and traces. */
  serviceName: 'QUIRE_SERVICE_NAME',
  /** `production` (default) hides error internals; `development` adds stack traces to 500 answers. */
  environment: 'QUIRE_ENVIRONMENT',
  /** TCP port of the API: HTTPS with mTLS, or plain HTTP when QUIRE_TLS_MODE=plain. */
  httpPort: 'QUIRE_HTTP_PORT',
  /** TCP port of /livez, /readyz and /metrics: plain HTTP for the kubelet and Prometheus. */
  opsPort: 'QUIRE_OPS_PORT',
  /** `mtls` (default) serves the API with the mounted certificate; `plain` is for tests and local runs only. */
  tlsMode: 'QUIRE_TLS_MODE',
  /** Folder of the mounted certificate: tls.crt, tls.key and the platform CA in ca.crt. */
  tlsDir: 'QUIRE_TLS_DIR',
  /** pino level: fatal, error, warn, info (default), debug or trace. */
  logLevel: 'QUIRE_LOG_LEVEL',
  /** Base URL of an OTLP/HTTP collector (…:4318); traces are not exported when it is unset. */
  otlpEndpoint: 'QUIRE_OTLP_ENDPOINT',
  /** Fraction of new traces sampled, 0 to 1 (default 0.1); a sampled parent is always followed. */
  traceSampleRatio: 'QUIRE_TRACE_SAMPLE_RATIO',
  /** Seconds SIGTERM waits for in-flight requests and consumers before closing connections (default 20). */
  shutdownTimeoutSeconds: 'QUIRE_SHUTDOWN_TIMEOUT_SECONDS',
  /**
   * PostgreSQL connection URL (postgres://user:password@host:port/db?sslmode=...&sslrootcert=<file>);
   * sslmode has libpq's meaning, and no sslmode means plain TCP.
   */
  databaseUrl: 'QUIRE_DATABASE_URL',
  /** The service's own PostgreSQL schema (default: its schema in `databaseSchemas`). */
  databaseSchema: 'QUIRE_DATABASE_SCHEMA',
  /** Connections in the service's PostgreSQL pool (default 10). */
  databasePoolSize: 'QUIRE_DATABASE_POOL_SIZE',
  /** `true` applies the service's migrations at start (local runs); the operator applies them otherwise. */
  migrateOnStart: 'QUIRE_MIGRATE_ON_START',
  /**
   * redis://[:password@]host:port for one node, or redis-cluster://[:password@]h1:p1,h2:p2 for a
   * cluster; rediss:// and rediss-cluster:// for TLS, with `?ca=<file>` for a private CA's PEM bundle.
   */
  redisUrl: 'QUIRE_REDIS_URL',
  /** Comma-separated Kafka bootstrap brokers (host:port,...). */
  kafkaBrokers: 'QUIRE_KAFKA_BROKERS',
  /** `true` connects to the Kafka brokers over TLS (default false). */
  kafkaTls: 'QUIRE_KAFKA_TLS',
  /** PEM bundle of the CA that signed the Kafka brokers' certificate; unset, the system CAs. Needs QUIRE_KAFKA_TLS=true. */
  kafkaCaFile: 'QUIRE_KAFKA_CA_FILE',
  /** SASL mechanism for the Kafka login: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; unset, no login. */
  kafkaSaslMechanism: 'QUIRE_KAFKA_SASL_MECHANISM',
  /** The SASL user name, with QUIRE_KAFKA_SASL_MECHANISM. */
  kafkaSaslUsername: 'QUIRE_KAFKA_SASL_USERNAME',
  /** The SASL password, with QUIRE_KAFKA_SASL_MECHANISM. */
  kafkaSaslPassword: 'QUIRE_KAFKA_SASL_PASSWORD',
  /** URL of the Auth service's JWKS, which every other API service verifies access tokens against. */
  authJwksUrl: 'QUIRE_AUTH_JWKS_URL',
  /**
   * The SPIFFE ID the server of QUIRE_AUTH_JWKS_URL must present over mTLS: Auth's workload identity,
   * rendered by the operator. Unset, the URL's host name is checked against the certificate's DNS
   * names instead; set, the identity is checked whatever the host is called (a local run reaches Auth
   * at 127.0.0.1, which its certificate does not name).
   */
  authSpiffeId: 'QUIRE_AUTH_SPIFFE_ID',
  /** `iss` of the platform's access tokens (default `quire-auth`). */
  authIssuer: 'QUIRE_AUTH_ISSUER',
  /** `aud` of the platform's access tokens (default `quire`). */
  authAudience: 'QUIRE_AUTH_AUDIENCE',
  /** Auth: lifetime of an access token in seconds (default 300). */
  accessTokenTtlSeconds: 'QUIRE_AUTH_ACCESS_TOKEN_TTL_SECONDS',
  /** Auth: lifetime of a session and its refresh token in seconds, renewed on each refresh (default 30 days). */
  refreshTokenTtlSeconds: 'QUIRE_AUTH_REFRESH_TOKEN_TTL_SECONDS',
  /** Auth: hours a signing key signs before a new one replaces it (default 24). */
  signingKeyRotationHours: 'QUIRE_AUTH_SIGNING_KEY_ROTATION_HOURS',
  /** Auth: failed logins allowed per account in a window before 429 (default 5). */
  loginMaxFailuresPerAccount: 'QUIRE_AUTH_LOGIN_MAX_FAILURES_PER_ACCOUNT',
  /** Auth: login attempts allowed per client address in a window before 429 (default 30). */
  loginMaxAttemptsPerAddress: 'QUIRE_AUTH_LOGIN_MAX_ATTEMPTS_PER_ADDRESS',
  /** Auth: length of the login rate-limit window in seconds (default 900). */
  loginWindowSeconds: 'QUIRE_AUTH_LOGIN_WINDOW_SECONDS',
  /**
   * Auth: the SPIFFE IDs whose X-Forwarded-For is believed for the per-address login limits,
   * comma-separated, each exact or a prefix ending in `*`: the platform's gateway
   * (spiffe://<trust domain>/ns/<namespace>/sa/<platform>-gateway). Only a peer whose verified client
   * certificate names one of them may say who the client is; unset, no peer may, and every client
   * behind the gateway shares the gateway's limit.
   */
  trustedProxyIds: 'QUIRE_TRUSTED_PROXY_IDS',
  /**
   * Auth: the email of the platform's first admin. While no account holds the admin role, the account
   * with this email gets it when it signs up, or at start-up if it exists already; once an admin
   * exists the setting does nothing (admins grant roles with PUT /v1/auth/accounts/:id/roles). Sign-up
   * does not verify emails, so set it only until that account has signed up, then remove it.
   */
  authBootstrapAdminEmail: 'QUIRE_AUTH_BOOTSTRAP_ADMIN_EMAIL',
  /**
   * User: email lookups (GET /v1/users/lookup) one caller may make in a window before 429 (default
   * 30). The lookup tells whether an address has an account, so this bounds how fast one account can
   * guess addresses.
   */
  userLookupMaxPerCaller: 'QUIRE_USER_LOOKUP_MAX_PER_CALLER',
  /** User: length of the email-lookup rate-limit window in seconds (default 60). */
  userLookupWindowSeconds: 'QUIRE_USER_LOOKUP_WINDOW_SECONDS',
  /**
   * Audit: entries after which the chain's head is recorded as a checkpoint and published on
   * quire.audit.events, for a copy kept outside the database (default 1000).
   */
  auditCheckpointEveryEntries: 'QUIRE_AUDIT_CHECKPOINT_EVERY_ENTRIES',
  /**
   * Audit: seconds an entry may wait for a checkpoint when fewer entries follow it (default 300); a
   * truncated tail newer than the last checkpoint cannot be detected, so this bounds that window.
   */
  auditCheckpointEverySeconds: 'QUIRE_AUDIT_CHECKPOINT_EVERY_SECONDS',
  /** S3-compatible endpoint URL (document, export). */
  s3Endpoint: 'QUIRE_S3_ENDPOINT',
  /** Bucket of the service's objects (document, export). */
  s3Bucket: 'QUIRE_S3_BUCKET',
  /** Region of the object storage (default us-east-1); the AWS SDK's own name, set by the operator. */
  s3Region: 'AWS_REGION',
  /** Access key id of the object storage; unset, the AWS SDK's default credential chain applies. */
  s3AccessKeyId: 'AWS_ACCESS_KEY_ID',
  /** Secret access key of the object storage, with AWS_ACCESS_KEY_ID. */
  s3SecretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  /** URL of the full-text search cluster (search). */
  searchUrl: 'QUIRE_SEARCH_URL',
  /** Search: the engine behind QUIRE_SEARCH_URL, `elasticsearch` (default) or `opensearch`. */
  searchKind: 'QUIRE_SEARCH_KIND',
  /** Search: prefix of the index names and aliases (default `quire`). */
  searchIndexPrefix: 'QUIRE_SEARCH_INDEX_PREFIX',
  /** Document: largest accepted upload in bytes (default 100 MiB). */
  documentMaxUploadBytes: 'QUIRE_DOCUMENT_MAX_UPLOAD_BYTES',
  /** Document: seconds deleted or replaced content stays in storage before the cleanup removes it (default 86400). */
  documentContentRetentionSeconds: 'QUIRE_DOCUMENT_CONTENT_RETENTION_SECONDS',
  /** Document: lifetime of presigned download URLs in seconds (default 300). */
  documentPresignedUrlTtlSeconds: 'QUIRE_DOCUMENT_PRESIGNED_URL_TTL_SECONDS',
} as const;
export type EnvVarName = (typeof envVar)[keyof typeof envVar];

/** Ports every service listens on unless configured otherwise. */
export const defaultPorts = { http: 8080, ops: 9090 } as const;

/** Paths of the ops port (probes and scraping) and of the API description on the API port. */
export const servicePaths = {
  liveness: '/livez',
  readiness: '/readyz',
  metrics: '/metrics',
  openapi: '/openapi.json',
  jwks: '/.well-known/jwks.json',
} as const;

/** Where the operator mounts each service's certificate, and the file names inside it. */
export const tlsFiles = {
  dir: '/var/run/quire/tls',
  cert: 'tls.crt',
  key: 'tls.key',
  ca: 'ca.crt',
} as const;

/** Each service's own PostgreSQL schema (services without a schema have none). */
export const databaseSchemas: Readonly<Partial<Record<ServiceName, string>>> = Object.fromEntries(
  Object.values(serviceCatalogue)
    .filter((s) => s.hasSchema)
    .map((s) => [s.name, s.name === 'user' ? 'users' : s.name]),
);

/**
 * Internal services (not in the seed's gateway diagram) that still answer users' calls, and so
 * verify access tokens: notification (a user's notifications, preferences and webhooks) and audit
 * (the admins' log queries and chain verification).
 */
const internalUserApis: ReadonlySet<ServiceName> = new Set<ServiceName>(['notification', 'audit']);

const storeVariables: Record<BackingStore, readonly EnvVarName[]> = {
  postgres: [envVar.databaseUrl],
  redis: [envVar.redisUrl],
  kafka: [envVar.kafkaBrokers],
  s3: [envVar.s3Endpoint, envVar.s3Bucket],
  search: [envVar.searchUrl],
};

/**
 * The variables the operator must set for a service (`required`) and those it may set to change a
 * default (`optional`); a service's config schema reads exactly these.
 */
export function envVariablesFor(service: ServiceName): {
  required: EnvVarName[];
  optional: EnvVarName[];
} {
  const d = serviceCatalogue[service];
  const required: EnvVarName[] = [envVar.serviceName, ...d.stores.flatMap((s) => storeVariables[s])];
  const optional: EnvVarName[] = [
    envVar.environment,
    envVar.httpPort,
    envVar.opsPort,
    envVar.tlsMode,
    envVar.tlsDir,
    envVar.logLevel,
    envVar.otlpEndpoint,
    envVar.traceSampleRatio,
    envVar.shutdownTimeoutSeconds,
  ];
  if (d.stores.includes('postgres')) {
    optional.push(envVar.databaseSchema, envVar.databasePoolSize, envVar.migrateOnStart);
  }
  if (d.stores.includes('kafka')) {
    optional.push(
      envVar.kafkaTls,
      envVar.kafkaCaFile,
      envVar.kafkaSaslMechanism,
      envVar.kafkaSaslUsername,
      envVar.kafkaSaslPassword,
    );
  }
  if (d.stores.includes('s3')) optional.push(envVar.s3Region, envVar.s3AccessKeyId, envVar.s3SecretAccessKey);
  if (d.stores.includes('search')) optional.push(envVar.searchKind, envVar.searchIndexPrefix);
  if (service === 'document') {
    optional.push(
      envVar.documentMaxUploadBytes,
      envVar.documentContentRetentionSeconds,
      envVar.documentPresignedUrlTtlSeconds,
    );
  }
  if (service === 'user') optional.push(envVar.userLookupMaxPerCaller, envVar.userLookupWindowSeconds);
  if (service === 'audit') {
    optional.push(envVar.auditCheckpointEveryEntries, envVar.auditCheckpointEverySeconds);
  }
  if (service === 'auth') {
    optional.push(
      envVar.authIssuer,
      envVar.authAudience,
      envVar.accessTokenTtlSeconds,
      envVar.refreshTokenTtlSeconds,
      envVar.signingKeyRotationHours,
      envVar.loginMaxFailuresPerAccount,
      envVar.loginMaxAttemptsPerAddress,
      envVar.loginWindowSeconds,
      envVar.trustedProxyIds,
      envVar.authBootstrapAdminEmail,
    );
  } else if (d.public || internalUserApis.has(service)) {
    // Every service with a user API but auth, which issues the tokens, verifies them with its key set.
    required.push(envVar.authJwksUrl);
    optional.push(envVar.authSpiffeId, envVar.authIssuer, envVar.authAudience);
  }
  return { required, optional };
}

/** The Kafka topic a service publishes its domain events to. */
export const eventTopic = (service: ServiceName): string => `quire.${service}.events`;
