/**
 * The sample Platform (examples/platform-minimal.yaml) pointed at the local stack: its Kafka (one
 * broker, so replication factor 1), PostgreSQL without TLS in a database of its own, a Redis database
 * of its own, the S3 gateway with buckets of its own, OpenSearch, the trace collector, a first admin,
 * and a Gateway so the operator renders the HTTPRoutes the local nginx gateway is generated from.
 * Retain on delete: stopping and starting again keeps the accounts and documents.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stackSetting } from '@quire/dev';
import { defaultTopicSpecs } from '@quire/operator';
import { parse } from 'yaml';
import type { KubeObject } from './kube.ts';
import { localAdminEmail } from './local-admin.ts';
import { adminPostgres } from './provision.ts';
import { repoRoot, type UpSettings } from './settings.ts';

/** The name of the Gateway the HTTPRoutes attach to; the local nginx plays it. */
export const gatewayName = 'quire-gateway';
/** The host name the routes answer; nginx also answers 127.0.0.1 as its default server. */
export const gatewayHostname = 'localhost';

type Spec = Record<string, Record<string, unknown>>;

/** The local Platform manifest. */
export function localPlatform(s: UpSettings): KubeObject & { spec: Spec } {
  const sample = parse(
    readFileSync(join(repoRoot, 'examples', 'platform-minimal.yaml'), 'utf8'),
  ) as KubeObject & {
    spec: Spec;
  };
  const pg = adminPostgres();
  const redis = new URL(stackSetting('QUIRE_REDIS_URL'));
  const { spec } = sample;
  sample.metadata = { name: s.platform, namespace: s.namespace };
  spec.kafka = {
    ...spec.kafka,
    bootstrapServers: stackSetting('QUIRE_KAFKA_BROKERS').split(','),
    topics: defaultTopicSpecs().map((t) => ({
      ...t,
      replicationFactor: 1,
      config: { ...t.config, 'min.insync.replicas': '1' },
    })),
  };
  spec.postgres = {
    ...spec.postgres,
    host: pg.hostname,
    port: Number(pg.port),
    database: s.database,
    sslMode: 'disable',
  };
  spec.redis = { ...spec.redis, addresses: [`${redis.hostname}:${redis.port}`], database: s.redisDatabase };
  spec.objectStorage = {
    ...spec.objectStorage,
    endpoint: stackSetting('QUIRE_S3_ENDPOINT'),
    region: stackSetting('QUIRE_S3_REGION'),
    buckets: { ...s.buckets },
  };
  spec.search = {
    ...spec.search,
    kind: process.env.QUIRE_SEARCH_KIND ?? 'opensearch',
    endpoint: stackSetting('QUIRE_SEARCH_URL'),
  };
  // The first admin, as an operator names one; make up signs it up (local-admin.ts).
  spec.auth = { bootstrapAdminEmail: localAdminEmail };
  spec.gateway = { parentRef: { name: gatewayName }, hostnames: [gatewayHostname] };
  spec.observability = { otlpEndpoint: `http://127.0.0.1:${s.collectorPort}` };
  return sample;
}
