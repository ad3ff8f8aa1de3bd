import { describe, expect, it } from 'vitest';
import {
  configChanges,
  type DescribedTopic,
  type DesiredTopic,
  describeAction,
  planTopics,
  type TopicConfigEntry,
} from './topic-plan.js';

const want = (name: string, over: Partial<DesiredTopic> = {}): DesiredTopic => ({
  name,
  partitions: 6,
  replicationFactor: 3,
  config: { 'retention.ms': '604800000', 'cleanup.policy': 'delete' },
  ...over,
});

const entry = (value: string, source: TopicConfigEntry['source'] = 'topic', readOnly = false) => ({
  value,
  source,
  readOnly,
});

/** A topic as Kafka would describe one created from `spec` by the operator. */
function have(spec: DesiredTopic, over: Partial<DescribedTopic> = {}): DescribedTopic {
  const config = new Map<string, TopicConfigEntry>([
    ['segment.bytes', entry('1073741824', 'default')],
    ['min.insync.replicas', entry('1', 'broker')],
    ...Object.entries(spec.config).map(([k, v]) => [k, entry(v)] as const),
  ]);
  return {
    name: spec.name,
    partitions: spec.partitions,
    replicationFactor: spec.replicationFactor,
    config,
    ...over,
  };
}

const plan = (desired: DesiredTopic[], described: DescribedTopic[], known = desired.map((d) => d.name)) =>
  planTopics({
    desired,
    described: new Map(described.map((d) => [d.name, d])),
    known: new Set(known),
    brokerCount: 3,
  });

describe('planning topics', () => {
  it('creates a missing topic with its partitions, replication factor and configuration', () => {
    const topic = want('a');
    expect(plan([topic], [])).toEqual({ actions: [{ kind: 'create', topic }], findings: [] });
  });

  it('plans nothing when Kafka already matches the spec, so a second reconcile changes nothing', () => {
    const topic = want('a');
    expect(plan([topic], [have(topic)])).toEqual({ actions: [], findings: [] });
  });

  it('grows partitions when the spec asks for more', () => {
    const topic = want('a', { partitions: 12 });
    expect(plan([topic], [have(topic, { partitions: 6 })]).actions).toEqual([
      { kind: 'createPartitions', topic: 'a', from: 6, to: 12 },
    ]);
  });

  it('never shrinks partitions: fewer in the spec than in Kafka is a NotSupported finding naming the topic', () => {
    const topic = want('a', { partitions: 3 });
    const result = plan([topic], [have(topic, { partitions: 6 })]);
    expect(result.actions).toEqual([]);
    expect(result.findings).toEqual([
      expect.objectContaining({
        topic: 'a',
        kind: 'partitionsDecrease',
        message: expect.stringMatching(/Topic a has 6 partitions.*at least 6/),
      }),
    ]);
  });

  it('never changes the replication factor, and says which topic differs', () => {
    const topic = want('a', { replicationFactor: 3 });
    const result = plan([topic], [have(topic, { replicationFactor: 1 })]);
    expect(result.actions).toEqual([]);
    expect(result.findings[0]).toMatchObject({ topic: 'a', kind: 'replicationFactorChange' });
    expect(result.findings[0]?.message).toMatch(/replication factor 1 in Kafka .* is 3/);
  });

  it('still applies configuration to a topic whose partitions cannot change', () => {
    const topic = want('a', { partitions: 3 });
    const drifted = have(topic, { partitions: 6 });
    const config = new Map(drifted.config).set('retention.ms', entry('1'));
    const result = plan([topic], [{ ...drifted, config }]);
    expect(result.findings).toHaveLength(1);
    expect(result.actions).toEqual([
      { kind: 'alterConfig', topic: 'a', changes: [{ op: 'set', name: 'retention.ms', value: '604800000' }] },
    ]);
  });

  it('does not create a topic that needs more replicas than the cluster has brokers', () => {
    const result = planTopics({
      desired: [want('a')],
      described: new Map(),
      known: new Set(),
      brokerCount: 1,
    });
    expect(result.actions).toEqual([]);
    expect(result.findings[0]).toMatchObject({ topic: 'a', kind: 'notEnoughBrokers' });
    expect(result.findings[0]?.message).toMatch(/replication factor 3 but the cluster has 1 broker/);
  });

  it('adopts a topic that exists but the operator did not manage yet, then converges it', () => {
    const topic = want('a', { partitions: 8 });
    const existing = have(topic, { partitions: 4, config: new Map([['retention.ms', entry('1000')]]) });
    expect(plan([topic], [existing], []).actions).toEqual([
      { kind: 'adopt', topic: 'a' },
      { kind: 'createPartitions', topic: 'a', from: 4, to: 8 },
      {
        kind: 'alterConfig',
        topic: 'a',
        changes: [
          { op: 'set', name: 'cleanup.policy', value: 'delete' },
          { op: 'set', name: 'retention.ms', value: '604800000' },
        ],
      },
    ]);
  });

  it('plans each topic on its own, in spec order', () => {
    const a = want('a');
    const b = want('b');
    const c = want('c', { partitions: 9 });
    expect(plan([a, b, c], [have(b), have(c, { partitions: 3 })]).actions.map((x) => x.kind)).toEqual([
      'create',
      'createPartitions',
    ]);
  });
});

describe("a topic's configuration changes", () => {
  it('set every key whose value differs from the spec, and only those', () => {
    const current = new Map([
      ['retention.ms', entry('1')],
      ['cleanup.policy', entry('delete')],
    ]);
    expect(configChanges({ 'retention.ms': '2', 'cleanup.policy': 'delete' }, current)).toEqual([
      { op: 'set', name: 'retention.ms', value: '2' },
    ]);
  });

  it('set a key the spec names even when Kafka only has it as an inherited default', () => {
    const current = new Map([['retention.ms', entry('604800000', 'default')]]);
    expect(configChanges({ 'retention.ms': '1000' }, current)).toEqual([
      { op: 'set', name: 'retention.ms', value: '1000' },
    ]);
    expect(configChanges({ 'retention.ms': '604800000' }, current)).toEqual([]);
  });

  it('delete overrides made outside the operator that the spec does not name, reverting the drift', () => {
    const current = new Map([
      ['retention.ms', entry('1000')],
      ['max.message.bytes', entry('5')],
    ]);
    expect(configChanges({ 'retention.ms': '1000' }, current)).toEqual([
      { op: 'delete', name: 'max.message.bytes' },
    ]);
  });

  it('leave inherited and read-only entries alone', () => {
    const current = new Map([
      ['min.insync.replicas', entry('2', 'broker')],
      ['segment.bytes', entry('1', 'default')],
      ['message.format.version', entry('3.0', 'topic', true)],
    ]);
    expect(configChanges({}, current)).toEqual([]);
  });
});

describe('describing topic actions', () => {
  it('says what changed in one sentence an Event can carry', () => {
    expect(describeAction({ kind: 'create', topic: want('a') })).toBe(
      'Created topic a with 6 partition(s), replication factor 3',
    );
    expect(describeAction({ kind: 'createPartitions', topic: 'a', from: 3, to: 6 })).toBe(
      'Grew topic a from 3 to 6 partitions',
    );
    expect(
      describeAction({
        kind: 'alterConfig',
        topic: 'a',
        changes: [
          { op: 'set', name: 'retention.ms', value: '1' },
          { op: 'delete', name: 'x.y' },
        ],
      }),
    ).toBe('Set the configuration of topic a: retention.ms=1, -x.y');
  });
});
