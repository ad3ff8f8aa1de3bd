/**
 * What each service is told, split by sensitivity: `config` holds plain settings (they go in the
 * service's ConfigMap), `env` holds variables whose values come from Secrets (`secretKeyRef`) or are
 * composed from them with Kubernetes' `$(VAR)` expansion, so no secret value is ever copied into a
 * ConfigMap or the Deployment. Variable names, ports and paths come from the kit's `service-env`,
 * which the services' own config parsing reads too.
 */
import type { V1EnvVar } from '@kubernetes/client-node';
import {
  databaseSchemas,
  defaultPorts,
  envVar,
  envVariablesFor,
  type ServiceName,
  serviceCatalogue,
  servicePaths,
  spiffeId,
  tlsFiles,
} from '@quire/kit/catalogue';
import { gatewayIdentityName } from '../pki/identities.js';
import { postgresSecretKeys, postgresSecretName, serviceHost, serviceObjectName } from './names.js';
import type { RenderContext } from './render-context.js';

/**
 * Variables the kit does not read: the parts that `$(VAR)` expansion composes into the URLs it does
 * read, and the AWS SDK's own credential variables. Each is defined before the variable using it,
 * since expansion only sees variables defined earlier in the list.
 */
export const compositionVars = {
  databaseUser: 'QUIRE_DATABASE_USER',
  databasePassword: 'QUIRE_DATABASE_PASSWORD',
  redisPassword: 'QUIRE_REDIS_PASSWORD',
  searchUsername: 'QUIRE_SEARCH_USERNAME',
  searchPassword: 'QUIRE_SEARCH_PASSWORD',
  awsAccessKeyId: 'AWS_ACCESS_KEY_ID',
  awsSecretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  awsRegion: 'AWS_REGION',
} as const;

/** Seconds a service's SIGTERM handling may take (the kit's default, set explicitly so the pod's grace period can follow it). */
export const shutdownTimeoutSeconds = 20;

/** Where the CA that signed the PostgreSQL server's certificate is mounted, when spec.postgres.ca is set. */
export const storeCaDir = '/var/run/quire/store-ca';
export const postgresCaFile = 'postgres-ca.crt';
/** Where the CA that signed Redis's certificate is mounted, when spec.redis.tls.ca is set. */
export const redisCaFile = 'redis-ca.crt';
/** Where the CA that signed the Kafka brokers' certificate is mounted, when spec.kafka.tls.ca is set. */
export const kafkaCaFile = 'kafka-ca.crt';

export interface ServiceSettings {
  /** Plain settings, by variable name: the ConfigMap's data. */
  readonly config: Record<string, string>;
  /** Variables from Secrets, in dependency order. */
  readonly env: V1EnvVar[];
  /** The store CA files to mount, as Secret key → file name under `storeCaDir`. */
  readonly caFiles: ReadonlyArray<{ secret: string; key: string; path: string }>;
}

const fromSecret = (name: string, ref: { name: string; key: string }): V1EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
});

/** The bucket each S3-using service keeps its objects in. */
function bucketOf(ctx: RenderContext, service: ServiceName): string {
  const { buckets } = ctx.platform.spec.objectStorage;
  if (service === 'document') return buckets.documents;
  if (service === 'export') return buckets.exports;
  throw new Error(`The ${service} service has no bucket`);
}

/** The settings of one service of the Platform. */
export function serviceSettings(ctx: RenderContext, service: ServiceName): ServiceSettings {
  const { spec } = ctx.platform;
  const stores = serviceCatalogue[service].stores;
  const config: Record<string, string> = {
    [envVar.serviceName]: service,
    [envVar.environment]: 'production',
    [envVar.httpPort]: String(defaultPorts.http),
    [envVar.opsPort]: String(defaultPorts.ops),
    [envVar.tlsMode]: 'mtls',
    [envVar.tlsDir]: tlsFiles.dir,
    [envVar.logLevel]: spec.observability.logLevel,
    [envVar.shutdownTimeoutSeconds]: String(shutdownTimeoutSeconds),
  };
  if (spec.observability.otlpEndpoint) config[envVar.otlpEndpoint] = spec.observability.otlpEndpoint;
  const env: V1EnvVar[] = [];
  const caFiles: Array<{ secret: string; key: string; path: string }> = [];

  if (stores.includes('postgres')) {
    const pg = spec.postgres;
    const secret = postgresSecretName(ctx.name, service);
    // The kit reads sslmode and sslrootcert itself, with libpq's meaning (services/kit/src/postgres-tls.ts).
    let params = `sslmode=${pg.sslMode}`;
    if (pg.ca) {
      caFiles.push({ secret: pg.ca.name, key: pg.ca.key, path: postgresCaFile });
      params += `&sslrootcert=${storeCaDir}/${postgresCaFile}`;
    }
    env.push(
      fromSecret(compositionVars.databaseUser, { name: secret, key: postgresSecretKeys.username }),
      fromSecret(compositionVars.databasePassword, { name: secret, key: postgresSecretKeys.password }),
      {
        name: envVar.databaseUrl,
        // The schemas phase generates URL-safe passwords, so the expanded URL needs no escaping.
        value: `postgres://$(${compositionVars.databaseUser}):$(${compositionVars.databasePassword})@${pg.host}:${pg.port}/${pg.database}?${params}`,
      },
    );
    config[envVar.databaseSchema] =
      spec.postgres.schemas[service]?.name ?? databaseSchemas[service] ?? service;
    // Migrations are the operator's job in a cluster; a service applying them at start would race its replicas.
    config[envVar.migrateOnStart] = 'false';
  }

  if (stores.includes('redis')) {
    const redis = spec.redis;
    const scheme = `${redis.tls.enabled ? 'rediss' : 'redis'}${redis.mode === 'Cluster' ? '-cluster' : ''}`;
    const hosts = redis.mode === 'Cluster' ? redis.addresses.join(',') : (redis.addresses[0] ?? '');
    const database = redis.mode === 'Standalone' && redis.database !== 0 ? `/${redis.database}` : '';
    // A private CA was accepted by the Platform API but never reached the service, which then checked
    // Redis's certificate against the system CAs only: mount it and name it in the URL (the kit's `ca`).
    let query = '';
    if (redis.tls.enabled && redis.tls.ca) {
      caFiles.push({ secret: redis.tls.ca.name, key: redis.tls.ca.key, path: redisCaFile });
      query = `?ca=${storeCaDir}/${redisCaFile}`;
    }
    if (redis.password) {
      env.push(fromSecret(compositionVars.redisPassword, redis.password), {
        name: envVar.redisUrl,
        value: `${scheme}://:$(${compositionVars.redisPassword})@${hosts}${database}${query}`,
      });
    } else {
      config[envVar.redisUrl] = `${scheme}://${hosts}${database}${query}`;
    }
  }

  if (stores.includes('kafka')) {
    const kafka = spec.kafka;
    config[envVar.kafkaBrokers] = kafka.bootstrapServers.join(',');
    // spec.kafka.tls and spec.kafka.sasl were accepted by the Platform API but only the operator's own
    // client used them: services connected in plain text without a login, which a managed Kafka
    // refuses. They now get TLS (with the CA mounted) and the login, the password from its Secret.
    if (kafka.tls.enabled) {
      config[envVar.kafkaTls] = 'true';
      if (kafka.tls.ca) {
        caFiles.push({ secret: kafka.tls.ca.name, key: kafka.tls.ca.key, path: kafkaCaFile });
        config[envVar.kafkaCaFile] = `${storeCaDir}/${kafkaCaFile}`;
      }
    }
    if (kafka.sasl) {
      config[envVar.kafkaSaslMechanism] = kafka.sasl.mechanism;
      env.push(
        fromSecret(envVar.kafkaSaslUsername, kafka.sasl.username),
        fromSecret(envVar.kafkaSaslPassword, kafka.sasl.password),
      );
    }
  }

  if (stores.includes('s3')) {
    const s3 = spec.objectStorage;
    config[envVar.s3Endpoint] = s3.endpoint;
    config[envVar.s3Bucket] = bucketOf(ctx, service);
    config[compositionVars.awsRegion] = s3.region;
    env.push(
      fromSecret(compositionVars.awsAccessKeyId, s3.credentials.accessKeyId),
      fromSecret(compositionVars.awsSecretAccessKey, s3.credentials.secretAccessKey),
    );
  }

  if (stores.includes('search')) {
    const search = spec.search;
    // The engine picks the search service's client: the Elasticsearch and OpenSearch clients each
    // refuse the other's server.
    config[envVar.searchKind] = search.kind;
    config[envVar.searchIndexPrefix] = search.indexPrefix;
    if (search.credentials) {
      const url = new URL(search.endpoint);
      env.push(
        fromSecret(compositionVars.searchUsername, search.credentials.username),
        fromSecret(compositionVars.searchPassword, search.credentials.password),
        {
          name: envVar.searchUrl,
          value: `${url.protocol}//$(${compositionVars.searchUsername}):$(${compositionVars.searchPassword})@${search.endpoint.slice(url.protocol.length + 2)}`,
        },
      );
    } else {
      config[envVar.searchUrl] = search.endpoint;
    }
  }

  // Auth limits logins per client address; behind the gateway only the gateway's certificate may
  // say, in X-Forwarded-For, who the client is (any other caller's header is ignored).
  if (service === 'auth') {
    config[envVar.trustedProxyIds] = spiffeId(
      spec.mtls.trustDomain,
      ctx.namespace,
      `${ctx.name}-${gatewayIdentityName}`,
    );
    // An email is not a credential: it names who may become the first admin, so a ConfigMap holds it.
    if (spec.auth.bootstrapAdminEmail) config[envVar.authBootstrapAdminEmail] = spec.auth.bootstrapAdminEmail;
  }

  // Services that verify access tokens (the kit says which) fetch auth's key set over the mesh, and
  // accept only a server presenting auth's workload identity, as every call between services does.
  if (envVariablesFor(service).required.includes(envVar.authJwksUrl)) {
    config[envVar.authJwksUrl] =
      `https://${serviceHost(ctx.name, 'auth', ctx.namespace)}:${defaultPorts.http}${servicePaths.jwks}`;
    config[envVar.authSpiffeId] = spiffeId(
      spec.mtls.trustDomain,
      ctx.namespace,
      serviceObjectName(ctx.name, 'auth'),
    );
  }
  return { config, env, caFiles };
}
