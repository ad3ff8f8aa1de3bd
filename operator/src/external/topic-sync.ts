/**
 * Carries out a topic plan against Kafka: reads the cluster and the topics, plans, then applies each
 * action in order. One topic's refusal does not stop the others (each topic is its own unit, as in
 * Kafka); brokers going away does, since nothing after it could succeed.
 */
import { BrokersUnreachableError, KafkaAccessError, type KafkaAdmin } from './kafka-admin.js';
import { type DesiredTopic, planTopics, type TopicAction, type TopicPlan } from './topic-plan.js';

export interface TopicFailure {
  readonly topic: string;
  readonly message: string;
}

export interface TopicSyncResult {
  readonly plan: TopicPlan;
  /** Actions carried out, in order. */
  readonly done: readonly TopicAction[];
  readonly failures: readonly TopicFailure[];
  /** Topics another client created between the read and the create: converged on the next pass. */
  readonly raced: readonly string[];
  /** The desired topics that exist in Kafka now (created or found). */
  readonly present: readonly string[];
  readonly autoCreateTopics: boolean | undefined;
}

const topicOf = (action: TopicAction): string =>
  action.kind === 'create' ? action.topic.name : action.topic;

async function apply(admin: KafkaAdmin, action: TopicAction): Promise<'done' | 'raced'> {
  switch (action.kind) {
    case 'create':
      return (await admin.createTopic(action.topic)) === 'created' ? 'done' : 'raced';
    case 'adopt':
      return 'done';
    case 'createPartitions':
      await admin.createPartitions(action.topic, action.to);
      return 'done';
    case 'alterConfig':
      await admin.alterTopicConfig(action.topic, action.changes);
      return 'done';
  }
}

/** Reads Kafka, plans against `desired`, and applies the plan. Throws BrokersUnreachableError and KafkaAccessError. */
export async function syncTopics(
  admin: KafkaAdmin,
  desired: readonly DesiredTopic[],
  known: ReadonlySet<string>,
): Promise<TopicSyncResult> {
  const cluster = await admin.clusterInfo();
  const described = await admin.describeTopics(desired.map((t) => t.name));
  const plan = planTopics({ desired, described, known, brokerCount: cluster.brokerCount });
  const done: TopicAction[] = [];
  const failures: TopicFailure[] = [];
  const raced: string[] = [];
  const failed = new Set<string>();
  for (const action of plan.actions) {
    const topic = topicOf(action);
    if (failed.has(topic)) continue;
    try {
      if ((await apply(admin, action)) === 'raced') raced.push(topic);
      else done.push(action);
    } catch (error) {
      // Like an outage, a failed TLS handshake or login would fail every other action too.
      if (error instanceof BrokersUnreachableError || error instanceof KafkaAccessError) throw error;
      failed.add(topic);
      failures.push({ topic, message: error instanceof Error ? error.message : String(error) });
    }
  }
  const present = desired
    .map((t) => t.name)
    .filter(
      (name) =>
        described.has(name) ||
        raced.includes(name) ||
        done.some((a) => a.kind === 'create' && a.topic.name === name),
    );
  return { plan, done, failures, raced, present, autoCreateTopics: cluster.autoCreateTopics };
}
