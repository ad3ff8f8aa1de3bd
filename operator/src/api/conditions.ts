/**
 * The condition types a Platform reports. `Ready`, `Reconciling` and `Stalled` follow kstatus, so
 * `kubectl wait --for=condition=Ready` and GitOps health checks work; the others give one concern each.
 */
export const ConditionType = {
  /** Everything below is true for the current generation: the platform serves traffic as specified. */
  Ready: 'Ready',
  /** The operator is converging on the current spec (kstatus "in progress"). */
  Reconciling: 'Reconciling',
  /** The operator cannot make progress without a change by a person (kstatus "failed"). */
  Stalled: 'Stalled',
  /** Every service has its desired replicas ready, spread over the zones. */
  WorkloadsReady: 'WorkloadsReady',
  /** Every workload certificate is issued and not due for renewal. */
  CertificatesReady: 'CertificatesReady',
  /** Every topic in spec.kafka.topics exists with its partitions and configuration. */
  TopicsReady: 'TopicsReady',
  /** Every service schema exists and its migrations are applied. */
  SchemasReady: 'SchemasReady',
  /** spec.paused is true: the operator changes nothing until it is false again. */
  ReconciliationPaused: 'ReconciliationPaused',
} as const;
export type ConditionType = (typeof ConditionType)[keyof typeof ConditionType];

/** The reasons conditions carry: CamelCase, stable, safe to match on in alerts and scripts. */
export const ConditionReason = {
  // Summary (Ready, Reconciling, Stalled)
  /** All concerns are satisfied for the current generation. */
  Reconciled: 'Reconciled',
  /** Work is under way; the message says which concern is waiting. */
  Progressing: 'Progressing',
  /** A concern failed and will be retried; the message names it. */
  ReconcileFailed: 'ReconcileFailed',
  /** A Secret the spec references does not exist or lacks the key. */
  SecretNotFound: 'SecretNotFound',
  /** A backing store (Kafka, PostgreSQL, Redis, object storage, search) cannot be reached. */
  DependencyUnavailable: 'DependencyUnavailable',
  // Workloads
  /** Deployments are rolling out or pods are not yet ready. */
  RolloutInProgress: 'RolloutInProgress',
  /** Some replicas cannot be scheduled or keep failing. */
  ReplicasUnavailable: 'ReplicasUnavailable',
  // Certificates
  /** Certificates are being issued or renewed. */
  Issuing: 'Issuing',
  /** The configured cert-manager issuer is missing or not ready. */
  IssuerNotReady: 'IssuerNotReady',
  /** The Platform carries an annotation the operator no longer reads; the message names its replacement. */
  RetiredAnnotation: 'RetiredAnnotation',
  // Topics
  /** The change cannot be applied to Kafka (e.g. fewer partitions); the spec must change. */
  NotSupported: 'NotSupported',
  /** Kafka answered with an error. */
  KafkaError: 'KafkaError',
  // Schemas
  /** Migrations are being applied. */
  Migrating: 'Migrating',
  /** A migration failed; the message names the service and the migration. */
  MigrationFailed: 'MigrationFailed',
  /** An applied migration was edited or removed; it is never re-run, and a person must restore it. */
  MigrationChanged: 'MigrationChanged',
  // Ordering
  /** The phase waits for an earlier one (workloads roll out only onto migrated schemas). */
  WaitingForDependency: 'WaitingForDependency',
  // Deletion
  /** The Platform is being deleted and its external state is being retained or removed. */
  Finalizing: 'Finalizing',
  // Pause
  /** spec.paused is true. */
  Paused: 'Paused',
  /** spec.paused is false. */
  NotPaused: 'NotPaused',
} as const;
export type ConditionReason = (typeof ConditionReason)[keyof typeof ConditionReason];

/** The status of a condition, as in metav1.Condition. */
export const ConditionStatus = { True: 'True', False: 'False', Unknown: 'Unknown' } as const;
export type ConditionStatus = (typeof ConditionStatus)[keyof typeof ConditionStatus];
