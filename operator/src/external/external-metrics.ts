/**
 * Metrics for the state the operator keeps outside the cluster: topics and schemas. Gauges mirror
 * the TopicsReady and SchemasReady conditions (so an alert needs no kube-state-metrics), counters
 * count every change made, so a dashboard shows when Kafka or PostgreSQL was touched and why.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

type PlatformLabels = 'namespace' | 'platform';

export interface ExternalMetrics {
  /** 1 while TopicsReady is True. */
  readonly topicsReady: Gauge<PlatformLabels>;
  /** Topics whose spec Kafka cannot apply (fewer partitions, another replication factor). */
  readonly topicsNotSupported: Gauge<PlatformLabels>;
  /** Changes made to topics, by action: create, adopt, partitions, config, delete. */
  readonly topicChanges: Counter<PlatformLabels | 'action'>;
  /** Reconciles that found no Kafka broker reachable. */
  readonly kafkaUnreachable: Counter<PlatformLabels>;
  /** 1 while SchemasReady is True. */
  readonly schemasReady: Gauge<PlatformLabels>;
  /** Migrations applied, by service. */
  readonly migrationsApplied: Counter<PlatformLabels | 'service'>;
  /** The latest applied migration's version number, by service. */
  readonly schemaVersion: Gauge<PlatformLabels | 'service'>;
  readonly migrationDuration: Histogram<'service'>;
  /** Changes made to schemas and roles, by action: create-role, create-schema, adopt, drop, ... */
  readonly schemaChanges: Counter<PlatformLabels | 'action'>;
}

/** Creates the metrics in `registry`, or returns those already there (both phases share them). */
export function createExternalMetrics(registry: Registry): ExternalMetrics {
  const registers = [registry];
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    (registry.getSingleMetric(name) as Gauge<L> | undefined) ??
    new Gauge({ name, help, labelNames, registers });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    (registry.getSingleMetric(name) as Counter<L> | undefined) ??
    new Counter({ name, help, labelNames, registers });
  const platform = ['namespace', 'platform'] as const;
  return {
    topicsReady: gauge(
      'quire_topics_ready',
      'Whether every Kafka topic of the Platform matches its spec',
      platform,
    ),
    topicsNotSupported: gauge(
      'quire_topics_not_supported',
      'Topics whose spec Kafka cannot apply (partition decrease, replication factor change)',
      platform,
    ),
    topicChanges: counter('quire_topic_changes_total', 'Changes made to Kafka topics, by action', [
      ...platform,
      'action',
    ]),
    kafkaUnreachable: counter(
      'quire_kafka_unreachable_total',
      'Topic reconciles that reached no Kafka broker',
      platform,
    ),
    schemasReady: gauge(
      'quire_schemas_ready',
      'Whether every service schema of the Platform exists with its migrations applied',
      platform,
    ),
    migrationsApplied: counter('quire_migrations_applied_total', 'SQL migrations applied, by service', [
      ...platform,
      'service',
    ]),
    schemaVersion: gauge('quire_schema_version', 'Version number of the latest applied migration', [
      ...platform,
      'service',
    ]),
    migrationDuration:
      (registry.getSingleMetric('quire_migration_duration_seconds') as Histogram<'service'> | undefined) ??
      new Histogram({
        name: 'quire_migration_duration_seconds',
        help: 'Time one migration took to apply, by service',
        labelNames: ['service'],
        buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900],
        registers,
      }),
    schemaChanges: counter('quire_schema_changes_total', 'Changes made to schemas and roles, by action', [
      ...platform,
      'action',
    ]),
  };
}
