/**
 * The topics phase against the local stack's Kafka (one broker, so replication factor 1): creation,
 * growth, drift reverted, adoption, NotSupported, a broker cut mid-reconcile and back, deletion.
 * The operator's client reaches the broker through a proxy the test can cut.
 */
import { waitFor } from '@quire/dev';
import type { TcpProxy } from '@quire/kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectKafkaAdmin, type KafkaAdmin } from '../../src/external/kafka-admin.js';
import { releaseTopicsAnnotation } from '../../src/external/release-annotations.js';
import { createTopicsPhase, type TopicsPhase } from '../../src/reconcile/topics.js';
import {
  fakeScope,
  type Manifest,
  metricValue,
  minimalManifest,
  parseManifest,
  testMetrics,
} from './fake-scope.js';
import {
  brokerProxy,
  deleteTopicsWithPrefix,
  directAdmin,
  uniquePrefix,
  viaProxy,
} from './fixtures/kafka.js';

const prefix = uniquePrefix();
const used = new Set<string>();
let proxy: TcpProxy;
let kafka: KafkaAdmin;

/** A topic spec under this run's prefix, with replication factor 1 for the single dev broker. */
function topic(name: string, partitions = 2, config: Record<string, string> = { 'retention.ms': '3600000' }) {
  used.add(prefix + name);
  return { name: prefix + name, partitions, replicationFactor: 1, config };
}

/** A topics phase and a scope for a Platform whose spec.kafka.topics is `topics`. */
function setup(
  topics: ReturnType<typeof topic>[],
  edit: (m: Manifest) => void = () => {},
  cutAfterDescribe = false,
) {
  const metrics = testMetrics();
  const phase: TopicsPhase = createTopicsPhase({
    secrets: { read: async () => undefined },
    metrics,
    socketFactory: viaProxy(proxy),
    connect: async (connection, log) => {
      const admin = await connectKafkaAdmin(connection, log);
      if (!cutAfterDescribe) return admin;
      // Once: the broker goes away between reading Kafka and changing it, mid-reconcile.
      cutAfterDescribe = false;
      return {
        ...admin,
        describeTopics: async (names) => {
          const described = await admin.describeTopics(names);
          await proxy.cut();
          return described;
        },
      };
    },
  });
  const manifest = minimalManifest('quire-it', 'topics-it');
  manifest.metadata.uid = `uid-${prefix}`;
  manifest.spec.kafka.bootstrapServers = [`127.0.0.1:${proxy.port}`];
  edit(manifest);
  const platform = parseManifest(manifest);
  platform.spec.kafka.topics = topics;
  return { phase, metrics, platform, ...fakeScope(platform, manifest as never) };
}

const described = async (name: string) => (await kafka.describeTopics([name])).get(name);
const overrides = async (name: string) =>
  Object.fromEntries(
    [...((await described(name))?.config ?? [])]
      .filter(([, e]) => e.source === 'topic')
      .map(([k, e]) => [k, e.value]),
  );

beforeAll(async () => {
  proxy = await brokerProxy();
  kafka = await directAdmin();
});
afterAll(async () => {
  await proxy.restore().catch(() => undefined);
  await deleteTopicsWithPrefix(kafka, prefix, [...used]);
  await kafka.disconnect();
  await proxy.cut();
});

describe('the topics phase against Kafka', () => {
  it('creates the topics with their partitions and configuration, and does not warn about a broker that does not auto-create topics', async () => {
    const { phase, scope, events, metrics } = setup([
      topic('created', 3, { 'retention.ms': '7200000', 'cleanup.policy': 'delete' }),
    ]);
    // Read from the broker itself: the dev stack's Kafka runs with auto.create.topics.enable=false,
    // as a cluster the operator runs should (the warning for `true` is in topics.test.ts).
    expect((await kafka.clusterInfo()).autoCreateTopics).toBe(false);
    const outcome = await phase.run(scope);
    expect(outcome.condition).toMatchObject({ type: 'TopicsReady', status: 'True', reason: 'Reconciled' });
    expect(outcome.condition.message).toBe('All 1 topic(s) exist with their partitions and configuration');
    expect(await described(`${prefix}created`)).toMatchObject({ partitions: 3, replicationFactor: 1 });
    expect(await overrides(`${prefix}created`)).toEqual({
      'retention.ms': '7200000',
      'cleanup.policy': 'delete',
    });
    expect(events.map((e) => e.reason)).toEqual(['TopicCreated']);
    expect(await metricValue(metrics.topicsReady, { platform: 'topics-it' })).toBe(1);
  });

  it('increases partitions when the spec grows, and a second pass changes nothing', async () => {
    const { phase, scope, platform, events } = setup([topic('grown', 1)]);
    await phase.run(scope);
    platform.spec.kafka.topics = [topic('grown', 4)];
    expect((await phase.run(scope)).condition.status).toBe('True');
    expect((await described(`${prefix}grown`))?.partitions).toBe(4);
    expect(events.map((e) => e.reason)).toContain('TopicPartitionsIncreased');
    events.length = 0;
    await phase.run(scope);
    expect(events.filter((e) => e.type === 'Normal')).toEqual([]);
  });

  it('reverts configuration changed outside the operator', async () => {
    const { phase, scope, events } = setup([topic('drift', 1, { 'retention.ms': '3600000' })]);
    await phase.run(scope);
    await kafka.alterTopicConfig(`${prefix}drift`, [
      { op: 'set', name: 'retention.ms', value: '60000' },
      { op: 'set', name: 'max.message.bytes', value: '2048' },
    ]);
    await phase.run(scope);
    expect(await overrides(`${prefix}drift`)).toEqual({ 'retention.ms': '3600000' });
    expect(events.at(-1)?.note).toBe(
      `Set the configuration of topic ${prefix}drift: retention.ms=3600000, -max.message.bytes`,
    );
  });

  it('adopts a topic that already exists and brings it to the spec', async () => {
    const name = topic('adopted', 3).name;
    await kafka.createTopic({
      name,
      partitions: 1,
      replicationFactor: 1,
      config: { 'retention.ms': '1000' },
    });
    const { phase, scope, events } = setup([topic('adopted', 3)]);
    expect((await phase.run(scope)).condition.status).toBe('True');
    expect(events.slice(0, 3).map((e) => e.reason)).toEqual([
      'TopicAdopted',
      'TopicPartitionsIncreased',
      'TopicConfigured',
    ]);
    expect(await described(name)).toMatchObject({ partitions: 3 });
    expect(await overrides(name)).toEqual({ 'retention.ms': '3600000' });
  });

  it('reports NotSupported naming the topic when Kafka has more partitions than the spec, and changes nothing', async () => {
    const { phase, scope, platform } = setup([topic('shrink', 3)]);
    await phase.run(scope);
    platform.spec.kafka.topics = [topic('shrink', 2)];
    const outcome = await phase.run(scope);
    expect(outcome).toMatchObject({ stalled: true, condition: { status: 'False', reason: 'NotSupported' } });
    expect(outcome.condition.message).toMatch(
      new RegExp(`Topic ${prefix.replaceAll('.', '\\.')}shrink has 3 partitions`),
    );
    expect((await described(`${prefix}shrink`))?.partitions).toBe(3);
  });

  it('gives TopicsReady=False naming the brokers when the broker goes away mid-reconcile, and recovers once it is back', async () => {
    const { phase, scope } = setup([topic('before', 1), topic('during', 1)], () => {}, true);
    await kafka.createTopic({
      name: `${prefix}before`,
      partitions: 1,
      replicationFactor: 1,
      config: { 'retention.ms': '3600000' },
    });
    const started = Date.now();
    const down = await phase.run(scope);
    expect(down.condition).toMatchObject({ status: 'False', reason: 'DependencyUnavailable' });
    expect(down.condition.message).toContain(`Could not reach the Kafka brokers 127.0.0.1:${proxy.port}`);
    expect(down.requeueAfterMs ?? 0).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await described(`${prefix}during`)).toBeUndefined();

    // Same phase, same process: the next reconcile after the broker is back converges.
    await proxy.restore();
    const recovered = await waitFor(
      'TopicsReady=True after the broker is back',
      async () => {
        const outcome = await phase.run(scope);
        return outcome.condition.status === 'True' ? outcome : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(recovered.condition.reason).toBe('Reconciled');
    expect(await described(`${prefix}during`)).toMatchObject({ partitions: 1 });
  });
});

describe('deleting a Platform with topics', () => {
  it('keeps the topics and their records by default, and says so in an Event', async () => {
    const { phase, scope, events } = setup([topic('kept', 1)]);
    await phase.run(scope);
    const outcome = await phase.cleanup(scope);
    expect(outcome.done).toBe(true);
    expect(events.at(-1)).toMatchObject({
      reason: 'TopicsRetained',
      note: expect.stringContaining(`${prefix}kept`),
    });
    expect(await described(`${prefix}kept`)).toBeDefined();
  });

  it('deletes the topics with the Delete policy, but not a released one', async () => {
    const { phase, scope, events } = setup([topic('gone', 1), topic('released', 1)], (m) => {
      m.spec.deletionPolicy = { topics: 'Delete' };
      m.metadata.annotations = { [releaseTopicsAnnotation]: `${prefix}released` };
    });
    await kafka.createTopic({ name: `${prefix}released`, partitions: 1, replicationFactor: 1, config: {} });
    await phase.run(scope);
    expect((await phase.cleanup(scope)).done).toBe(true);
    expect(events.at(-1)?.reason).toBe('TopicsDeleted');
    await waitFor('the topic to be deleted', async () =>
      (await described(`${prefix}gone`)) ? undefined : true,
    );
    expect(await described(`${prefix}released`)).toBeDefined();
  });
});
