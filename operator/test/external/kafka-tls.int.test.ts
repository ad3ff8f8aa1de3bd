/**
 * spec.kafka.tls and spec.kafka.sasl against the local stack's Kafka, which has, beside PLAINTEXT, an
 * SSL listener and a SASL_SSL one (SCRAM-SHA-512 and PLAIN for one user), both with a certificate for
 * `localhost` signed by the stack's CA (QUIRE_KAFKA_SSL_*, QUIRE_KAFKA_SASL_SSL_*). Checked on both
 * paths that connect: the operator's topics phase, and a service's producer and consumer built by
 * the kit from the settings the operator renders, with the CA where the pod would have it mounted.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  createKafkaPublisher,
  type EventEnvelope,
  kafkaEnv,
  newEvent,
  parseEnv,
  startEventConsumer,
  toMessage,
} from '@quire/kit';
import { testLogger, testSetting } from '@quire/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaAdmin } from '../../src/external/kafka-admin.js';
import { createTopicsPhase } from '../../src/reconcile/topics.js';
import { renderContext } from '../../src/render/render-context.js';
import { serviceSettings, storeCaDir } from '../../src/render/service-settings.js';
import {
  fakeScope,
  type Manifest,
  MemorySecrets,
  minimalManifest,
  parseManifest,
  testMetrics,
} from './fake-scope.js';
import { deleteTopicsWithPrefix, directAdmin, uniquePrefix } from './fixtures/kafka.js';

const namespace = 'quire-kafka-tls-test';
const prefix = uniquePrefix();
const used = new Set<string>();
const caPem = () => readFileSync(testSetting('QUIRE_KAFKA_SSL_CA_FILE'), 'utf8');
const sslBrokers = () => testSetting('QUIRE_KAFKA_SSL_BROKERS').split(',');
const saslBrokers = () => testSetting('QUIRE_KAFKA_SASL_SSL_BROKERS').split(',');
const saslUser = () => testSetting('QUIRE_KAFKA_SASL_SSL_USERNAME');
const saslPassword = () => testSetting('QUIRE_KAFKA_SASL_SSL_PASSWORD');
// Where the test puts the CA files the pod would have mounted under storeCaDir.
const mountDir = mkdtempSync(join(tmpdir(), 'quire-kafka-ca-'));
let kafka: KafkaAdmin;

beforeAll(async () => {
  kafka = await directAdmin();
});
afterAll(async () => {
  await deleteTopicsWithPrefix(kafka, prefix, [...used]);
  await kafka.disconnect();
  rmSync(mountDir, { recursive: true, force: true });
});

interface KafkaAccess {
  readonly brokers: string[];
  readonly ca: boolean;
  readonly sasl?: { mechanism: 'PLAIN' | 'SCRAM-SHA-512'; password: string };
}

/** A Platform whose spec.kafka is `access` and wants one topic, with its Secrets: the CA and the login. */
function platformWith(access: KafkaAccess, topicName: string) {
  const manifest: Manifest = minimalManifest(namespace, 'quire');
  manifest.spec.kafka = {
    bootstrapServers: access.brokers,
    tls: { enabled: true, ...(access.ca ? { ca: { name: 'kafka-ca', key: 'ca.crt' } } : {}) },
    ...(access.sasl
      ? {
          sasl: {
            mechanism: access.sasl.mechanism,
            username: { name: 'kafka-login', key: 'username' },
            password: { name: 'kafka-login', key: 'password' },
          },
        }
      : {}),
  };
  const platform = parseManifest(manifest);
  used.add(topicName);
  platform.spec.kafka.topics = [{ name: topicName, partitions: 1, replicationFactor: 1, config: {} }];
  const secrets = new MemorySecrets();
  secrets.set(namespace, 'kafka-ca', { 'ca.crt': caPem() });
  secrets.set(namespace, 'kafka-login', { username: saslUser(), password: access.sasl?.password ?? '' });
  return { manifest, platform, secrets };
}

/** Runs the topics phase once for a Platform whose spec.kafka is `access`; returns its condition. */
async function reconcileTopics(access: KafkaAccess, topicName: string) {
  const { manifest, platform, secrets } = platformWith(access, topicName);
  const phase = createTopicsPhase({ secrets, metrics: testMetrics() });
  const { scope } = fakeScope(platform, manifest as never, secrets);
  return (await phase.run(scope)).condition;
}

const exists = async (name: string) => (await kafka.describeTopics([name])).has(name);

describe('the topics phase against Kafka over TLS', () => {
  it('when spec.kafka.tls names the CA that signed the brokers’ certificate, it creates the topics over the SSL listener', async () => {
    const name = `${prefix}ssl`;
    const condition = await reconcileTopics({ brokers: sslBrokers(), ca: true }, name);
    expect(condition).toMatchObject({ type: 'TopicsReady', status: 'True' });
    expect(await exists(name)).toBe(true);
  });

  it('when spec.kafka.tls has no CA and the system CAs do not know the brokers’ issuer, it fails naming spec.kafka.tls.ca', async () => {
    const name = `${prefix}ssl-no-ca`;
    const condition = await reconcileTopics({ brokers: sslBrokers(), ca: false }, name);
    expect(condition).toMatchObject({ type: 'TopicsReady', status: 'False' });
    expect(condition.message).toMatch(/certificate/i);
    expect(condition.message).toContain('spec.kafka.tls.ca');
    expect(await exists(name)).toBe(false);
  });

  it('when spec.kafka.sasl logs in with SCRAM-SHA-512 over the SASL_SSL listener, it creates the topics', async () => {
    const name = `${prefix}scram`;
    const condition = await reconcileTopics(
      { brokers: saslBrokers(), ca: true, sasl: { mechanism: 'SCRAM-SHA-512', password: saslPassword() } },
      name,
    );
    expect(condition).toMatchObject({ type: 'TopicsReady', status: 'True' });
    expect(await exists(name)).toBe(true);
  });

  it('when spec.kafka.sasl logs in with PLAIN over the SASL_SSL listener, it creates the topics', async () => {
    const name = `${prefix}plain`;
    const condition = await reconcileTopics(
      { brokers: saslBrokers(), ca: true, sasl: { mechanism: 'PLAIN', password: saslPassword() } },
      name,
    );
    expect(condition).toMatchObject({ type: 'TopicsReady', status: 'True' });
    expect(await exists(name)).toBe(true);
  });

  it('when the SASL password is wrong, it fails naming the credentials Secret and changes nothing', async () => {
    const name = `${prefix}scram-wrong`;
    const condition = await reconcileTopics(
      {
        brokers: saslBrokers(),
        ca: true,
        sasl: { mechanism: 'SCRAM-SHA-512', password: 'not-the-password' },
      },
      name,
    );
    expect(condition).toMatchObject({ type: 'TopicsReady', status: 'False' });
    expect(condition.message).toContain('kafka-login');
    expect(condition.message).toContain('spec.kafka.sasl');
    expect(await exists(name)).toBe(false);
  });
});

/**
 * The notification service's environment as its pod would see it: the ConfigMap's settings, the
 * variables from Secrets read from `secrets`, and the CA written where the pod would have it mounted.
 */
async function renderedKafkaEnv(platform: ReturnType<typeof parseManifest>, secrets: MemorySecrets) {
  const settings = serviceSettings(renderContext(platform), 'notification');
  for (const file of settings.caFiles) {
    const value = (await secrets.read(namespace, file.secret))?.[file.key];
    if (value === undefined) throw new Error(`the test has no Secret ${file.secret} key ${file.key}`);
    writeFileSync(join(mountDir, file.path), value);
  }
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(settings.config))
    values[name] = value.replaceAll(storeCaDir, mountDir);
  for (const e of settings.env) {
    const ref = e.valueFrom?.secretKeyRef;
    if (ref?.name) values[e.name] = (await secrets.read(namespace, ref.name))?.[ref.key] ?? '';
    else if (e.value !== undefined)
      values[e.name] = e.value.replace(/\$\((\w+)\)/g, (_, name: string) => values[name] ?? '');
  }
  return values;
}

describe("a service's Kafka clients from the settings the operator renders", () => {
  const tlsAndScram = (password = saslPassword()): KafkaAccess => ({
    brokers: saslBrokers(),
    ca: true,
    sasl: { mechanism: 'SCRAM-SHA-512', password },
  });

  it('when spec.kafka uses TLS with a CA and SCRAM-SHA-512, the kit publishes an event and consumes it', async () => {
    const topic = `${prefix}service-events`;
    const { platform, secrets } = platformWith(tlsAndScram(), topic);
    await kafka.createTopic({ name: topic, partitions: 1, replicationFactor: 1, config: {} });
    const env = await renderedKafkaEnv(platform, secrets);
    expect(env).toMatchObject({
      QUIRE_KAFKA_BROKERS: saslBrokers().join(','),
      QUIRE_KAFKA_TLS: 'true',
      QUIRE_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      QUIRE_KAFKA_SASL_USERNAME: saslUser(),
    });
    const { kafka: config } = parseEnv({ kafka: kafkaEnv }, env);
    const logger = testLogger();
    const received: EventEnvelope[] = [];
    const consumer = await startEventConsumer({
      ...config,
      clientId: 'quire-notification',
      groupId: `${prefix}notification`,
      topics: [topic],
      fromBeginning: true,
      logger,
      handle: async (event) => {
        received.push(event);
      },
    });
    const publisher = createKafkaPublisher({ ...config, clientId: 'quire-notification', logger });
    try {
      await consumer.joined;
      const event = newEvent({
        type: 'test.kafka-tls',
        source: 'kafka-tls-test',
        subject: 'subject-1',
        data: { over: 'SASL_SSL' },
      });
      await publisher.publish([toMessage(topic, event)]);
      await expect.poll(() => received.map((e) => e.id), { timeout: 20_000 }).toEqual([event.id]);
      expect(received[0]?.data).toEqual({ over: 'SASL_SSL' });
    } finally {
      await publisher.close();
      await consumer.stop();
    }
  });

  it('when the SASL password is wrong, the kit refuses to start the consumer naming the variables to fix', async () => {
    const topic = `${prefix}service-wrong`;
    const { platform, secrets } = platformWith(tlsAndScram('not-the-password'), topic);
    const { kafka: config } = parseEnv({ kafka: kafkaEnv }, await renderedKafkaEnv(platform, secrets));
    await expect(
      startEventConsumer({
        ...config,
        clientId: 'quire-notification',
        groupId: `${prefix}notification-wrong`,
        topics: [topic],
        logger: testLogger(),
        handle: async () => undefined,
      }),
    ).rejects.toThrow(/QUIRE_KAFKA_SASL_USERNAME.*QUIRE_KAFKA_SASL_PASSWORD/);
  });

  it('when the rendered CA file is not mounted, the service refuses to start naming QUIRE_KAFKA_CA_FILE', async () => {
    const { platform, secrets } = platformWith(tlsAndScram(), `${prefix}service-no-mount`);
    const env = await renderedKafkaEnv(platform, secrets);
    env.QUIRE_KAFKA_CA_FILE = join(mountDir, 'missing.crt');
    expect(() => parseEnv({ kafka: kafkaEnv }, env)).toThrow(ConfigError);
    expect(() => parseEnv({ kafka: kafkaEnv }, env)).toThrow(/QUIRE_KAFKA_CA_FILE: cannot be read/);
  });
});
