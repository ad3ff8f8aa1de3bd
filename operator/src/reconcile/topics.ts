/**
 * The topics phase: converges Kafka on spec.kafka.topics (less those released by annotation) with
 * Strimzi's rules, and reports TopicsReady. Brokers that are away give TopicsReady=False with the
 * addresses tried and a retry with backoff; a change Kafka cannot make (fewer partitions, another
 * replication factor) gives NotSupported naming the topic, and stalls until the spec changes. Every
 * change is an Event and a metric. `cleanup` applies spec.deletionPolicy.topics behind the finalizer.
 */
import type { ISocketFactory } from 'kafkajs';
import { ConditionReason, ConditionType } from '../api/index.js';
import type { ExternalMetrics } from '../external/external-metrics.js';
import {
  BrokersUnreachableError,
  connectKafkaAdmin,
  KafkaAccessError,
  type KafkaAdmin,
  KafkaRequestError,
} from '../external/kafka-admin.js';
import { type KafkaConnection, kafkaAccessFix, kafkaConnectionFor } from '../external/kafka-connection.js';
import { KeyedBackoff } from '../external/keyed-backoff.js';
import { type CleanupOutcome, releasedTopics } from '../external/release-annotations.js';
import { SecretMissingError, type SecretSource } from '../external/secret-source.js';
import type { DesiredTopic } from '../external/topic-plan.js';
import { reportTopicSync, topicSyncOutcome } from '../external/topic-report.js';
import { syncTopics, type TopicSyncResult } from '../external/topic-sync.js';
import { platformKind } from '../render/kinds.js';
import { findCondition } from '../runtime/conditions.js';
import type { Logger } from '../runtime/logger.js';
import type { Status } from '../runtime/status-writer.js';
import type { Phase, PhaseOutcome, ReconcileScope } from './scope.js';

export interface TopicsPhaseDeps {
  readonly secrets: SecretSource;
  readonly metrics: ExternalMetrics;
  /** Opens the admin client (default: KafkaJS); tests wrap it to cut brokers mid-reconcile. */
  readonly connect?: (connection: KafkaConnection, log: Logger) => Promise<KafkaAdmin>;
  /** Routes every broker connection (tests: through a proxy they can cut). */
  readonly socketFactory?: ISocketFactory;
}

export interface TopicsPhase extends Phase {
  /** Applies spec.deletionPolicy.topics to a Platform being deleted; `done` lets the finalizer go. */
  cleanup(scope: ReconcileScope): Promise<CleanupOutcome>;
}

const notReady = (reason: string, message: string) =>
  ({ type: ConditionType.TopicsReady, status: 'False', reason, message }) as const;

const secretMissing = (error: SecretMissingError): PhaseOutcome => ({
  condition: notReady(ConditionReason.SecretNotFound, `${error.message}; create it, or fix spec.kafka`),
  requeueAfterMs: 30_000,
});

/** The topics the spec wants and the operator may touch. */
function desiredTopics(scope: ReconcileScope): { desired: DesiredTopic[]; released: string[] } {
  const released = releasedTopics(scope.object);
  const topics = scope.platform.spec.kafka.topics;
  return {
    desired: topics.filter((t) => !released.has(t.name)),
    released: topics.filter((t) => released.has(t.name)).map((t) => t.name),
  };
}

/** Creates the topics phase; it remembers which topics it manages, per Platform, between reconciles. */
export function createTopicsPhase(deps: TopicsPhaseDeps): TopicsPhase {
  const connect = deps.connect ?? connectKafkaAdmin;
  const backoff = new KeyedBackoff();
  // Topics seen managed, per Platform uid: what exists and is not here is adopted (with an Event).
  const managed = new Map<string, Set<string>>();

  async function open(scope: ReconcileScope): Promise<KafkaAdmin> {
    const connection = await kafkaConnectionFor(scope.platform.spec.kafka, scope.namespace, deps.secrets);
    return connect({ ...connection, socketFactory: deps.socketFactory }, scope.log);
  }

  function knownTopics(scope: ReconcileScope, uid: string): Set<string> {
    let known = managed.get(uid);
    if (!known) {
      // After a restart: topics a Ready Platform already has were managed before, not adopted now.
      const ready = findCondition(
        (scope.object.status as Status | undefined)?.conditions,
        ConditionType.TopicsReady,
      );
      known = new Set(ready?.status === 'True' ? scope.platform.spec.kafka.topics.map((t) => t.name) : []);
      managed.set(uid, known);
    }
    return known;
  }

  function unreachable(scope: ReconcileScope, uid: string, error: BrokersUnreachableError): PhaseOutcome {
    const labels = { namespace: scope.namespace, platform: scope.name };
    deps.metrics.kafkaUnreachable.inc(labels);
    deps.metrics.topicsReady.set(labels, 0);
    const delay = backoff.next(uid);
    scope.deps.events.record(platformKind, scope.object, {
      type: 'Warning',
      reason: 'KafkaUnreachable',
      action: 'SyncTopics',
      note: `Could not reach the Kafka brokers ${error.brokers.join(', ')}`,
    });
    return {
      condition: notReady(
        ConditionReason.DependencyUnavailable,
        `${error.message}; retrying in ${Math.ceil(delay / 1000)} s`,
      ),
      requeueAfterMs: delay,
    };
  }

  /** Kafka refused to describe the cluster or the topics (authorization, say): nothing was changed. */
  function refused(scope: ReconcileScope, uid: string, error: KafkaRequestError): PhaseOutcome {
    deps.metrics.topicsReady.set({ namespace: scope.namespace, platform: scope.name }, 0);
    return {
      condition: notReady(ConditionReason.KafkaError, error.message),
      requeueAfterMs: backoff.next(uid),
    };
  }

  /** TLS or the SASL login failed: a setting to fix, named in the message; retried with backoff. */
  function denied(scope: ReconcileScope, uid: string, error: KafkaAccessError): PhaseOutcome {
    deps.metrics.topicsReady.set({ namespace: scope.namespace, platform: scope.name }, 0);
    return {
      condition: notReady(
        ConditionReason.KafkaError,
        `${error.message}; ${kafkaAccessFix(scope.platform.spec.kafka, error)}`,
      ),
      requeueAfterMs: backoff.next(uid),
    };
  }

  return {
    name: 'topics',
    conditionType: ConditionType.TopicsReady,

    async run(scope) {
      const uid = scope.object.metadata.uid ?? `${scope.namespace}/${scope.name}`;
      const { desired, released } = desiredTopics(scope);
      let admin: KafkaAdmin;
      try {
        admin = await open(scope);
      } catch (error) {
        if (error instanceof SecretMissingError) return secretMissing(error);
        if (error instanceof BrokersUnreachableError) return unreachable(scope, uid, error);
        if (error instanceof KafkaAccessError) return denied(scope, uid, error);
        if (error instanceof KafkaRequestError) return refused(scope, uid, error);
        throw error;
      }
      let result: TopicSyncResult;
      try {
        result = await syncTopics(admin, desired, knownTopics(scope, uid));
      } catch (error) {
        if (error instanceof BrokersUnreachableError) return unreachable(scope, uid, error);
        if (error instanceof KafkaAccessError) return denied(scope, uid, error);
        if (error instanceof KafkaRequestError) return refused(scope, uid, error);
        throw error;
      } finally {
        await admin.disconnect();
      }
      backoff.reset(uid);
      for (const name of result.present) knownTopics(scope, uid).add(name);
      reportTopicSync(scope, deps.metrics, result);
      const outcome = topicSyncOutcome(result, desired.length, released);
      const labels = { namespace: scope.namespace, platform: scope.name };
      deps.metrics.topicsReady.set(labels, outcome.condition.status === 'True' ? 1 : 0);
      return outcome;
    },

    async cleanup(scope) {
      const uid = scope.object.metadata.uid ?? `${scope.namespace}/${scope.name}`;
      const { desired, released } = desiredTopics(scope);
      const names = desired.map((t) => t.name);
      const kept = released.length > 0 ? `; released and kept: ${released.join(', ')}` : '';
      const finish = (reason: string, note: string): CleanupOutcome => {
        scope.deps.events.record(platformKind, scope.object, {
          type: 'Normal',
          reason,
          action: 'Cleanup',
          note,
        });
        managed.delete(uid);
        backoff.reset(uid);
        for (const metric of [deps.metrics.topicsReady, deps.metrics.topicsNotSupported]) {
          metric.remove({ namespace: scope.namespace, platform: scope.name });
        }
        return { done: true, message: note };
      };
      if (scope.platform.spec.deletionPolicy.topics === 'Retain' || names.length === 0) {
        return finish(
          'TopicsRetained',
          `Kept ${names.length} Kafka topic(s) and their records (spec.deletionPolicy.topics is ${scope.platform.spec.deletionPolicy.topics}): ${names.join(', ') || 'none'}${kept}`,
        );
      }
      try {
        const admin = await open(scope);
        try {
          await admin.deleteTopics(names);
        } finally {
          await admin.disconnect();
        }
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        const delay = backoff.next(uid);
        return {
          done: false,
          message: `Could not delete the topics yet (${error.message}); retrying in ${Math.ceil(delay / 1000)} s. Set spec.deletionPolicy.topics to Retain to keep them instead`,
          requeueAfterMs: delay,
        };
      }
      deps.metrics.topicChanges.inc(
        { namespace: scope.namespace, platform: scope.name, action: 'delete' },
        names.length,
      );
      return finish(
        'TopicsDeleted',
        `Deleted ${names.length} Kafka topic(s) (spec.deletionPolicy.topics is Delete): ${names.join(', ')}${kept}`,
      );
    },
  };
}
