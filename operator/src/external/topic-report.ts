/**
 * How the topics phase tells what it did and found: an Event and a metric for every change to a
 * topic, Warnings for what Kafka cannot do, and the TopicsReady condition.
 */
import { ConditionReason, ConditionType } from '../api/index.js';
import type { PhaseOutcome, ReconcileScope } from '../reconcile/scope.js';
import { platformKind } from '../render/kinds.js';
import type { ExternalMetrics } from './external-metrics.js';
import { describeAction, type TopicAction } from './topic-plan.js';
import type { TopicSyncResult } from './topic-sync.js';

const eventReasons: Record<TopicAction['kind'], string> = {
  create: 'TopicCreated',
  adopt: 'TopicAdopted',
  createPartitions: 'TopicPartitionsIncreased',
  alterConfig: 'TopicConfigured',
};
const metricActions: Record<TopicAction['kind'], string> = {
  create: 'create',
  adopt: 'adopt',
  createPartitions: 'partitions',
  alterConfig: 'config',
};
const notReady = (reason: string, message: string) =>
  ({ type: ConditionType.TopicsReady, status: 'False', reason, message }) as const;

/** The TopicsReady condition for a completed sync. */
export function topicSyncOutcome(
  result: TopicSyncResult,
  total: number,
  released: readonly string[],
): PhaseOutcome {
  const autoCreate = result.autoCreateTopics
    ? '; warning: the brokers auto-create topics (auto.create.topics.enable=true), so a client can create a topic with broker defaults before the operator does'
    : '';
  const releasedNote = released.length > 0 ? `; released, left alone: ${released.join(', ')}` : '';
  const notSupported = result.plan.findings.map((f) => f.message);
  const refused = result.failures.map((f) => `topic ${f.topic}: ${f.message}`);
  if (notSupported.length > 0) {
    return {
      condition: notReady(
        ConditionReason.NotSupported,
        [...notSupported, ...refused].join('; ') + autoCreate,
      ),
      stalled: true,
    };
  }
  if (refused.length > 0) {
    return { condition: notReady(ConditionReason.KafkaError, refused.join('; ') + autoCreate) };
  }
  if (result.raced.length > 0) {
    const message = `Another client created ${result.raced.join(', ')} first; converging them next${autoCreate}`;
    return { condition: notReady(ConditionReason.Progressing, message), requeueAfterMs: 1_000 };
  }
  return {
    condition: {
      type: ConditionType.TopicsReady,
      status: 'True',
      reason: ConditionReason.Reconciled,
      message: `All ${total} topic(s) exist with their partitions and configuration${releasedNote}${autoCreate}`,
    },
  };
}

/** Records an Event and a metric for every change made, and a Warning for everything Kafka could not do. */
export function reportTopicSync(
  scope: ReconcileScope,
  metrics: ExternalMetrics,
  result: TopicSyncResult,
): void {
  const labels = { namespace: scope.namespace, platform: scope.name };
  for (const action of result.done) {
    metrics.topicChanges.inc({ ...labels, action: metricActions[action.kind] });
    scope.log.info(
      { topic: action.kind === 'create' ? action.topic.name : action.topic },
      describeAction(action),
    );
    scope.deps.events.record(platformKind, scope.object, {
      type: 'Normal',
      reason: eventReasons[action.kind],
      action: 'SyncTopics',
      note: describeAction(action),
    });
  }
  const warn = (reason: string, note: string) =>
    scope.deps.events.record(platformKind, scope.object, {
      type: 'Warning',
      reason,
      action: 'SyncTopics',
      note,
    });
  for (const finding of result.plan.findings) warn(ConditionReason.NotSupported, finding.message);
  for (const failure of result.failures)
    warn(ConditionReason.KafkaError, `Topic ${failure.topic}: ${failure.message}`);
  if (result.autoCreateTopics) {
    warn(
      'AutoCreateTopicsEnabled',
      'The Kafka brokers auto-create topics (auto.create.topics.enable=true): a client can create a topic with broker defaults before the operator does',
    );
  }
  metrics.topicsNotSupported.set(labels, result.plan.findings.length);
}
