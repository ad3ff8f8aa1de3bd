/**
 * The operator's Kafka admin client: KafkaJS's admin API behind a small interface the topic sync
 * uses, opened for one reconcile and closed after it. Timeouts are short and retries few, so brokers
 * that are away make a reconcile fail within seconds (and the phase retry later) rather than hang a
 * worker. Failures come back as three typed errors: the brokers could not be reached, TLS or the SASL
 * login failed, or Kafka refused a request.
 */
import { kafkaAccessProblem } from '@quire/kit/kafka-access';
import { type Admin, Kafka } from 'kafkajs';
import { silentLogger } from '../runtime/logger.js';
import { alterTopicConfig, type ConfigChange } from './kafka-config-alter.js';
import { type KafkaConnection, kafkaClientOptions } from './kafka-connection.js';
import type { DescribedTopic, DesiredTopic, TopicConfigEntry } from './topic-plan.js';

/** None of the brokers answered; `brokers` are the addresses tried. */
export class BrokersUnreachableError extends Error {
  readonly brokers: readonly string[];

  constructor(brokers: readonly string[], cause: unknown) {
    super(`Could not reach the Kafka brokers ${brokers.join(', ')}: ${describeCause(cause)}`, { cause });
    this.name = 'BrokersUnreachableError';
    this.brokers = brokers;
  }
}

/**
 * The brokers answered, but the TLS handshake or the SASL login failed: a setting to fix, not an
 * outage to wait out. `kind` says which; the topics phase adds which spec field to set.
 */
export class KafkaAccessError extends Error {
  readonly kind: 'tls' | 'sasl';
  /** Node's TLS error code (UNABLE_TO_VERIFY_LEAF_SIGNATURE, ERR_TLS_CERT_ALTNAME_INVALID, ...) for `tls`. */
  readonly code: string | undefined;

  constructor(kind: 'tls' | 'sasl', brokers: readonly string[], code: string | undefined, cause: unknown) {
    const what = kind === 'tls' ? 'TLS to the Kafka brokers' : 'The SASL login at the Kafka brokers';
    super(`${what} ${brokers.join(', ')} failed: ${describeCause(cause)}`, { cause });
    this.name = 'KafkaAccessError';
    this.kind = kind;
    this.code = code;
  }
}

/** Kafka answered with an error (policy violation, invalid config, not authorized, ...). */
export class KafkaRequestError extends Error {
  /** Kafka's error name, such as INVALID_CONFIG, when it gave one. */
  readonly type: string | undefined;

  constructor(what: string, cause: unknown) {
    super(`Kafka refused to ${what}: ${describeCause(cause)}`, { cause });
    this.name = 'KafkaRequestError';
    this.type = (cause as { type?: string } | undefined)?.type;
  }
}

export interface ClusterInfo {
  readonly brokerCount: number;
  /** The first broker's auto.create.topics.enable; undefined when it could not be read. */
  readonly autoCreateTopics: boolean | undefined;
}

/** What the topic sync needs from Kafka. */
export interface KafkaAdmin {
  readonly brokers: readonly string[];
  clusterInfo(): Promise<ClusterInfo>;
  /** The named topics that exist, with partitions, replication factor and configuration. */
  describeTopics(names: readonly string[]): Promise<Map<string, DescribedTopic>>;
  /** Creates a topic; 'exists' when another client created it first. */
  createTopic(topic: DesiredTopic): Promise<'created' | 'exists'>;
  createPartitions(topic: string, count: number): Promise<void>;
  alterTopicConfig(topic: string, changes: readonly ConfigChange[]): Promise<void>;
  /** Deletes topics; ones already gone count as deleted. */
  deleteTopics(names: readonly string[]): Promise<void>;
  disconnect(): Promise<void>;
}

// Kafka's ConfigResource types and config sources (DescribeConfigs).
const topicResource = 2;
const brokerResource = 4;
const dynamicTopicConfig = 1;
const defaultConfig = 5;

// KafkaJS errors that mean "no broker answered" rather than "a broker said no".
const unreachable = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSNumberOfRetriesExceeded',
]);

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = (cause as { cause?: unknown; originalError?: unknown }).originalError;
  return inner instanceof Error && inner.message !== cause.message
    ? `${cause.message} (${inner.message})`
    : cause.message;
}

function isUnreachable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth += 1) {
    if (unreachable.has(e.name)) return true;
    e = (e as { originalError?: unknown }).originalError ?? e.cause;
  }
  return false;
}

/** Runs one admin request, turning KafkaJS's errors into the typed ones. */
async function request<T>(brokers: readonly string[], what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (
      error instanceof BrokersUnreachableError ||
      error instanceof KafkaRequestError ||
      error instanceof KafkaAccessError
    )
      throw error;
    // KafkaJS reports an untrusted certificate like a broker that is down, so this phase said "Could not
    // reach the Kafka brokers" and retried forever instead of naming the CA to set; a refused login came
    // back as "Kafka refused to accept a connection", naming no credentials. Both are told apart here.
    const access = kafkaAccessProblem(error);
    if (access) throw new KafkaAccessError(access.kind, brokers, access.code, error);
    if (isUnreachable(error)) throw new BrokersUnreachableError(brokers, error);
    throw new KafkaRequestError(what, error);
  }
}

/** Connects an admin client; BrokersUnreachableError when no broker answers, KafkaAccessError when TLS or SASL fails. */
export async function connectKafkaAdmin(
  connection: KafkaConnection,
  log = silentLogger,
): Promise<KafkaAdmin> {
  const { brokers } = connection;
  const admin: Admin = new Kafka(kafkaClientOptions(connection, log)).admin();
  await request(brokers, 'accept a connection', () => admin.connect());

  return {
    brokers,
    async clusterInfo() {
      const cluster = await request(brokers, 'describe the cluster', () => admin.describeCluster());
      const first = cluster.brokers[0];
      let autoCreateTopics: boolean | undefined;
      if (first) {
        const described = await request(brokers, 'describe the broker configuration', () =>
          admin.describeConfigs({
            resources: [
              {
                type: brokerResource,
                name: String(first.nodeId),
                configNames: ['auto.create.topics.enable'],
              },
            ],
            includeSynonyms: false,
          }),
        );
        const value = described.resources[0]?.configEntries[0]?.configValue;
        autoCreateTopics = value === undefined ? undefined : value === 'true';
      }
      return { brokerCount: cluster.brokers.length, autoCreateTopics };
    },

    async describeTopics(names) {
      // Listing first: asking metadata for a missing topic could make a broker auto-create it.
      const existing = new Set(await request(brokers, 'list topics', () => admin.listTopics()));
      const wanted = names.filter((n) => existing.has(n));
      const found = new Map<string, DescribedTopic>();
      if (wanted.length === 0) return found;
      const [metadata, configs] = await Promise.all([
        request(brokers, 'describe topics', () => admin.fetchTopicMetadata({ topics: wanted })),
        request(brokers, 'describe topic configuration', () =>
          admin.describeConfigs({
            resources: wanted.map((name) => ({ type: topicResource, name })),
            includeSynonyms: false,
          }),
        ),
      ]);
      const configByTopic = new Map(configs.resources.map((r) => [r.resourceName, r.configEntries]));
      for (const topic of metadata.topics) {
        const config = new Map<string, TopicConfigEntry>();
        for (const entry of configByTopic.get(topic.name) ?? []) {
          const source = entry.configSource as number;
          config.set(entry.configName, {
            value: entry.configValue,
            source: source === dynamicTopicConfig ? 'topic' : source === defaultConfig ? 'default' : 'broker',
            readOnly: entry.readOnly,
          });
        }
        found.set(topic.name, {
          name: topic.name,
          partitions: topic.partitions.length,
          replicationFactor: Math.max(0, ...topic.partitions.map((p) => p.replicas.length)),
          config,
        });
      }
      return found;
    },

    async createTopic(topic) {
      const created = await request(brokers, `create topic ${topic.name}`, () =>
        admin.createTopics({
          topics: [
            {
              topic: topic.name,
              numPartitions: topic.partitions,
              replicationFactor: topic.replicationFactor,
              configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })),
            },
          ],
          timeout: 10_000,
        }),
      );
      return created ? 'created' : 'exists';
    },

    async createPartitions(topic, count) {
      await request(brokers, `grow topic ${topic} to ${count} partitions`, () =>
        admin.createPartitions({ topicPartitions: [{ topic, count }] }),
      );
    },

    async alterTopicConfig(topic, changes) {
      await request(brokers, `change the configuration of topic ${topic}`, () =>
        alterTopicConfig(connection, log, topic, changes),
      );
    },

    async deleteTopics(names) {
      if (names.length === 0) return;
      const existing = new Set(await request(brokers, 'list topics', () => admin.listTopics()));
      const present = names.filter((n) => existing.has(n));
      if (present.length === 0) return;
      try {
        await request(brokers, `delete topics ${present.join(', ')}`, () =>
          admin.deleteTopics({ topics: present, timeout: 10_000 }),
        );
      } catch (error) {
        // Deleted by someone else meanwhile: what was wanted is done.
        if (!(error instanceof KafkaRequestError && error.type === 'UNKNOWN_TOPIC_OR_PARTITION')) throw error;
      }
    },

    async disconnect() {
      await admin.disconnect().catch(() => undefined);
    },
  };
}
