import { describe, expect, it } from 'vitest';
import {
  fakeScope,
  type Manifest,
  metricValue,
  minimalManifest,
  parseManifest,
  testMetrics,
} from '../../test/external/fake-scope.js';
import { BrokersUnreachableError, type KafkaAdmin } from '../external/kafka-admin.js';
import type { ConfigChange } from '../external/kafka-config-alter.js';
import { releaseTopicsAnnotation } from '../external/release-annotations.js';
import type { DescribedTopic, DesiredTopic } from '../external/topic-plan.js';
import { createTopicsPhase } from './topics.js';

/** Kafka in memory: enough of the admin API for the phase, and a switch that makes brokers unreachable. */
class FakeKafka {
  readonly topics = new Map<string, DescribedTopic>();
  down = false;
  /** The brokers' auto.create.topics.enable, as clusterInfo reads it. */
  autoCreate = false;
  readonly calls: string[] = [];

  admin(): KafkaAdmin {
    const check = (what: string) => {
      this.calls.push(what);
      if (this.down)
        throw new BrokersUnreachableError(['kafka-0:9092', 'kafka-1:9092'], new Error('ECONNREFUSED'));
    };
    return {
      brokers: ['kafka-0:9092'],
      clusterInfo: async () => {
        check('clusterInfo');
        return { brokerCount: 3, autoCreateTopics: this.autoCreate };
      },
      describeTopics: async (names) => {
        check('describeTopics');
        return new Map(
          names.flatMap((n) => (this.topics.has(n) ? [[n, this.topics.get(n) as DescribedTopic]] : [])),
        );
      },
      createTopic: async (t: DesiredTopic) => {
        check(`createTopic ${t.name}`);
        this.topics.set(t.name, {
          ...t,
          config: new Map(
            Object.entries(t.config).map(([k, v]) => [k, { value: v, source: 'topic', readOnly: false }]),
          ),
        });
        return 'created';
      },
      createPartitions: async (name, count) => {
        check(`createPartitions ${name}`);
        const t = this.topics.get(name) as DescribedTopic;
        this.topics.set(name, { ...t, partitions: count });
      },
      alterTopicConfig: async (name, changes: readonly ConfigChange[]) => {
        check(`alterTopicConfig ${name}`);
        const t = this.topics.get(name) as DescribedTopic;
        const config = new Map(t.config);
        for (const c of changes) {
          if (c.op === 'set') config.set(c.name, { value: c.value, source: 'topic', readOnly: false });
          else config.delete(c.name);
        }
        this.topics.set(name, { ...t, config });
      },
      deleteTopics: async (names) => {
        check('deleteTopics');
        for (const n of names) this.topics.delete(n);
      },
      disconnect: async () => undefined,
    };
  }
}

const topicSpec = (name: string, partitions = 3) => ({
  name,
  partitions,
  replicationFactor: 3,
  config: { 'retention.ms': '1000' },
});

function setup(edit: (m: Manifest) => void = () => {}) {
  const kafka = new FakeKafka();
  const metrics = testMetrics();
  const phase = createTopicsPhase({
    secrets: { read: async () => undefined },
    metrics,
    connect: async () => kafka.admin(),
  });
  const manifest = minimalManifest();
  manifest.metadata.uid = 'uid-1';
  edit(manifest);
  const platform = parseManifest(manifest);
  // Only the test's topics: the platform's own are required by the API but not needed here.
  platform.spec.kafka.topics = [topicSpec('t.a'), topicSpec('t.b')];
  const fake = fakeScope(platform, manifest as never);
  return { kafka, metrics, phase, platform, ...fake };
}

describe('the topics phase', () => {
  it('creates the missing topics, reports TopicsReady and records an Event for each', async () => {
    const { kafka, phase, scope, events, metrics } = setup();
    const outcome = await phase.run(scope);
    expect(outcome.condition).toMatchObject({ type: 'TopicsReady', status: 'True', reason: 'Reconciled' });
    expect([...kafka.topics.keys()]).toEqual(['t.a', 't.b']);
    expect(events.map((e) => e.reason)).toEqual(['TopicCreated', 'TopicCreated']);
    expect(await metricValue(metrics.topicChanges, { action: 'create' })).toBe(2);
    expect(await metricValue(metrics.topicsReady, { platform: 'quire' })).toBe(1);
  });

  it('changes nothing and records nothing on a second pass', async () => {
    const { kafka, phase, scope, events } = setup();
    await phase.run(scope);
    events.length = 0;
    kafka.calls.length = 0;
    expect((await phase.run(scope)).condition.status).toBe('True');
    expect(kafka.calls).toEqual(['clusterInfo', 'describeTopics']);
    expect(events).toEqual([]);
  });

  it('reports unreachable brokers as TopicsReady=False naming the addresses, and retries ever later', async () => {
    const { kafka, phase, scope, events } = setup();
    kafka.down = true;
    const first = await phase.run(scope);
    expect(first.condition).toMatchObject({ status: 'False', reason: 'DependencyUnavailable' });
    expect(first.condition.message).toMatch(/kafka-0:9092, kafka-1:9092/);
    const second = await phase.run(scope);
    expect(second.requeueAfterMs ?? 0).toBeGreaterThan(0);
    expect(events[0]).toMatchObject({ type: 'Warning', reason: 'KafkaUnreachable' });
    kafka.down = false;
    expect((await phase.run(scope)).condition.status).toBe('True');
  });

  it('stalls with NotSupported naming the topic when Kafka has more partitions than the spec', async () => {
    const { kafka, phase, scope, platform } = setup();
    await phase.run(scope);
    platform.spec.kafka.topics = [topicSpec('t.a', 1), topicSpec('t.b')];
    const outcome = await phase.run(scope);
    expect(outcome).toMatchObject({ stalled: true, condition: { status: 'False', reason: 'NotSupported' } });
    expect(outcome.condition.message).toMatch(/^Topic t.a has 3 partitions/);
    expect(kafka.topics.get('t.a')?.partitions).toBe(3);
  });

  it('adopts a topic that existed before the Platform, once', async () => {
    const { kafka, phase, scope, events } = setup();
    kafka.topics.set('t.a', { name: 't.a', partitions: 1, replicationFactor: 3, config: new Map() });
    await phase.run(scope);
    expect(events.map((e) => e.reason)).toEqual([
      'TopicAdopted',
      'TopicPartitionsIncreased',
      'TopicConfigured',
      'TopicCreated',
    ]);
    events.length = 0;
    await phase.run(scope);
    expect(events).toEqual([]);
  });

  it('when the brokers auto-create topics, converges all the same and warns in TopicsReady and in an Event', async () => {
    const { kafka, phase, scope, events } = setup();
    kafka.autoCreate = true;
    const outcome = await phase.run(scope);
    expect(outcome.condition).toMatchObject({ status: 'True', reason: 'Reconciled' });
    expect(outcome.condition.message).toMatch(
      /^All 2 topic\(s\) exist .*; warning: the brokers auto-create topics \(auto.create.topics.enable=true\)/,
    );
    expect(events.map((e) => [e.type, e.reason])).toEqual([
      ['Normal', 'TopicCreated'],
      ['Normal', 'TopicCreated'],
      ['Warning', 'AutoCreateTopicsEnabled'],
    ]);
  });

  it('leaves a released topic alone, and says so', async () => {
    const { kafka, phase, scope } = setup((m) => {
      m.metadata.annotations = { [releaseTopicsAnnotation]: 't.b' };
    });
    const outcome = await phase.run(scope);
    expect([...kafka.topics.keys()]).toEqual(['t.a']);
    expect(outcome.condition.message).toMatch(/released, left alone: t.b/);
  });
});

describe('deleting a Platform', () => {
  it('keeps its topics by default, and says so in an Event', async () => {
    const { kafka, phase, scope, events } = setup();
    await phase.run(scope);
    expect((await phase.cleanup(scope)).done).toBe(true);
    expect(kafka.topics.size).toBe(2);
    expect(events.at(-1)).toMatchObject({
      reason: 'TopicsRetained',
      note: expect.stringMatching(/Kept 2 Kafka topic/),
    });
  });

  it('deletes its topics, except released ones, when the policy is Delete', async () => {
    const { kafka, phase, scope, events } = setup((m) => {
      m.spec.deletionPolicy = { topics: 'Delete' };
      m.metadata.annotations = { [releaseTopicsAnnotation]: 't.b' };
    });
    kafka.topics.set('t.b', { name: 't.b', partitions: 3, replicationFactor: 3, config: new Map() });
    await phase.run(scope);
    expect((await phase.cleanup(scope)).done).toBe(true);
    expect([...kafka.topics.keys()]).toEqual(['t.b']);
    expect(events.at(-1)?.note).toMatch(/Deleted 1 Kafka topic\(s\).*t.a; released and kept: t.b/);
  });

  it('keeps the finalizer while the brokers are away', async () => {
    const { kafka, phase, scope } = setup((m) => {
      m.spec.deletionPolicy = { topics: 'Delete' };
    });
    kafka.down = true;
    const outcome = await phase.cleanup(scope);
    expect(outcome).toMatchObject({ done: false, message: expect.stringMatching(/Retain to keep them/) });
  });
});
