/**
 * What to do to Kafka's topics, decided from the spec and from what Kafka reports, with no I/O, the
 * way the Strimzi topic operator decides it: create what is missing; grow partitions, never shrink
 * them; never change a replication factor; make each topic's own configuration overrides exactly the
 * spec's (set what differs, delete overrides the spec does not name), which reverts changes made
 * outside the operator; take over topics that already exist. What cannot be done is a finding that
 * names the topic and what to change, never an action.
 */
import type { ConfigChange } from './kafka-config-alter.js';

/** A topic as the spec wants it. */
export interface DesiredTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config: Readonly<Record<string, string>>;
}

/** One configuration entry as Kafka describes it: whose value it is, and whether it can change. */
export interface TopicConfigEntry {
  readonly value: string | null;
  /** `topic`: an override set on the topic itself; `broker`/`default`: inherited. */
  readonly source: 'topic' | 'broker' | 'default';
  readonly readOnly: boolean;
}

/** A topic as Kafka reports it. */
export interface DescribedTopic {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly config: ReadonlyMap<string, TopicConfigEntry>;
}

export type TopicAction =
  | { readonly kind: 'create'; readonly topic: DesiredTopic }
  /** The topic existed before the operator managed it; from now on it converges like the others. */
  | { readonly kind: 'adopt'; readonly topic: string }
  | { readonly kind: 'createPartitions'; readonly topic: string; readonly from: number; readonly to: number }
  | { readonly kind: 'alterConfig'; readonly topic: string; readonly changes: readonly ConfigChange[] };

/** Something the spec asks that Kafka cannot do; a person must change the spec (or the cluster). */
export interface TopicFinding {
  readonly topic: string;
  readonly kind: 'partitionsDecrease' | 'replicationFactorChange' | 'notEnoughBrokers';
  readonly message: string;
}

export interface TopicPlanInput {
  readonly desired: readonly DesiredTopic[];
  /** The desired topics that exist in Kafka, by name. */
  readonly described: ReadonlyMap<string, DescribedTopic>;
  /** Topics the operator already manages; one that exists and is not among them is adopted. */
  readonly known: ReadonlySet<string>;
  readonly brokerCount: number;
}

export interface TopicPlan {
  readonly actions: readonly TopicAction[];
  readonly findings: readonly TopicFinding[];
}

/** The configuration changes that make a topic's overrides exactly `desired`, in key order. */
export function configChanges(
  desired: Readonly<Record<string, string>>,
  current: ReadonlyMap<string, TopicConfigEntry>,
): ConfigChange[] {
  const changes: ConfigChange[] = [];
  for (const name of Object.keys(desired).sort()) {
    const value = desired[name] ?? '';
    if (current.get(name)?.value !== value) changes.push({ op: 'set', name, value });
  }
  for (const [name, entry] of [...current].sort(([a], [b]) => a.localeCompare(b))) {
    if (entry.source === 'topic' && !entry.readOnly && !(name in desired))
      changes.push({ op: 'delete', name });
  }
  return changes;
}

function planExisting(want: DesiredTopic, have: DescribedTopic, known: boolean) {
  const actions: TopicAction[] = [];
  const findings: TopicFinding[] = [];
  const field = `spec.kafka.topics[${want.name}]`;
  if (!known) actions.push({ kind: 'adopt', topic: want.name });
  if (have.replicationFactor !== want.replicationFactor) {
    findings.push({
      topic: want.name,
      kind: 'replicationFactorChange',
      message: `Topic ${want.name} has replication factor ${have.replicationFactor} in Kafka but ${field}.replicationFactor is ${want.replicationFactor}: the operator does not reassign replicas; set it back to ${have.replicationFactor}, or use a topic with a new name`,
    });
  }
  if (want.partitions > have.partitions) {
    actions.push({ kind: 'createPartitions', topic: want.name, from: have.partitions, to: want.partitions });
  } else if (want.partitions < have.partitions) {
    // Kafka cannot tell a shrunk spec from partitions added out of band; both need the spec raised.
    findings.push({
      topic: want.name,
      kind: 'partitionsDecrease',
      message: `Topic ${want.name} has ${have.partitions} partitions in Kafka but ${field}.partitions is ${want.partitions}: Kafka cannot remove partitions; set it to at least ${have.partitions}`,
    });
  }
  const changes = configChanges(want.config, have.config);
  if (changes.length > 0) actions.push({ kind: 'alterConfig', topic: want.name, changes });
  return { actions, findings };
}

/** Plans the changes that converge Kafka on the desired topics. */
export function planTopics(input: TopicPlanInput): TopicPlan {
  const actions: TopicAction[] = [];
  const findings: TopicFinding[] = [];
  for (const want of input.desired) {
    const have = input.described.get(want.name);
    if (have) {
      const planned = planExisting(want, have, input.known.has(want.name));
      actions.push(...planned.actions);
      findings.push(...planned.findings);
    } else if (want.replicationFactor > input.brokerCount) {
      findings.push({
        topic: want.name,
        kind: 'notEnoughBrokers',
        message: `Topic ${want.name} needs replication factor ${want.replicationFactor} but the cluster has ${input.brokerCount} broker(s): lower spec.kafka.topics[${want.name}].replicationFactor or add brokers`,
      });
    } else {
      actions.push({ kind: 'create', topic: want });
    }
  }
  return { actions, findings };
}

/** A short sentence for an action, as Events and logs show it. */
export function describeAction(action: TopicAction): string {
  switch (action.kind) {
    case 'create':
      return `Created topic ${action.topic.name} with ${action.topic.partitions} partition(s), replication factor ${action.topic.replicationFactor}`;
    case 'adopt':
      return `Adopted topic ${action.topic}, which already existed`;
    case 'createPartitions':
      return `Grew topic ${action.topic} from ${action.from} to ${action.to} partitions`;
    case 'alterConfig': {
      const what = action.changes.map((c) => (c.op === 'set' ? `${c.name}=${c.value}` : `-${c.name}`));
      return `Set the configuration of topic ${action.topic}: ${what.join(', ')}`;
    }
  }
}
