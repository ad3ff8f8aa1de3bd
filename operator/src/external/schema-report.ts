/**
 * How the schemas phase tells what it did and found: an Event and a metric for every change to a
 * role, a schema or a migration, and the SchemasReady condition with the status.schemas field.
 */
import type { ServiceName } from '@quire/kit/catalogue';
import { ConditionReason, ConditionType } from '../api/index.js';
import type { PhaseOutcome, ReconcileScope } from '../reconcile/scope.js';
import { platformKind } from '../render/kinds.js';
import type { ExternalMetrics } from './external-metrics.js';
import { versionName } from './migrator.js';
import type { SchemaAction, SchemaTarget } from './schema-plan.js';
import type { ServiceSchemaProblem, ServiceSchemaResult } from './service-schema.js';

const eventReasons: Record<SchemaAction, string> = {
  'create-role': 'RoleCreated',
  'repair-role': 'RoleRepaired',
  'set-password': 'RolePasswordSet',
  'grant-role-to-admin': 'RoleGranted',
  'grant-connect': 'RoleGranted',
  'create-schema': 'SchemaCreated',
  'adopt-schema': 'SchemaAdopted',
  'adopt-object': 'SchemaAdopted',
};

/** Records the Events and metrics of one service's successful pass. */
export function reportSchemaResult(
  scope: ReconcileScope,
  metrics: ExternalMetrics,
  service: ServiceName,
  target: SchemaTarget,
  result: ServiceSchemaResult,
): void {
  const labels = { namespace: scope.namespace, platform: scope.name };
  const record = (type: 'Normal' | 'Warning', reason: string, note: string) =>
    scope.deps.events.record(platformKind, scope.object, { type, reason, action: 'SyncSchemas', note });
  for (const step of result.steps) {
    metrics.schemaChanges.inc({ ...labels, action: step.action });
    scope.log.info({ service, schema: target.schema }, step.description);
    record(step.action === 'repair-role' ? 'Warning' : 'Normal', eventReasons[step.action], step.description);
  }
  if (result.passwordGenerated) {
    record(
      'Normal',
      'PasswordGenerated',
      `Generated the password of role ${target.role} for the ${service} service`,
    );
  }
  for (const file of result.run.applied) {
    const version = versionName(file);
    metrics.migrationsApplied.inc({ ...labels, service });
    scope.log.info({ service, schema: target.schema, migration: version }, 'Applied a migration');
    record(
      'Normal',
      'MigrationApplied',
      `Applied migration ${service}/${version} to schema ${target.schema}`,
    );
  }
  if (result.run.latest) metrics.schemaVersion.set({ ...labels, service }, result.run.latest.number);
}

const severity = (p: ServiceSchemaProblem) =>
  p.stalled
    ? 0
    : p.reason === ConditionReason.Migrating
      ? 3
      : p.reason === ConditionReason.MigrationFailed
        ? 1
        : 2;

/**
 * The SchemasReady outcome: True when every managed schema is in line, else False with the most
 * severe problem's reason and every problem in the message. Problems are also Warning Events.
 */
export function schemaProblemOutcome(
  scope: ReconcileScope,
  problems: readonly ServiceSchemaProblem[],
  total: number,
  versions: ReadonlyArray<Record<string, string>>,
  released: readonly string[],
): PhaseOutcome {
  const fields = { schemas: versions };
  for (const problem of problems) {
    scope.deps.events.record(platformKind, scope.object, {
      type: 'Warning',
      reason: problem.reason,
      action: 'SyncSchemas',
      note: problem.message,
    });
  }
  const first = [...problems].sort((a, b) => severity(a) - severity(b))[0];
  if (first) {
    return {
      condition: {
        type: ConditionType.SchemasReady,
        status: 'False',
        reason: first.reason,
        message: problems.map((p) => p.message).join('; '),
      },
      fields,
      ...(first.stalled ? { stalled: true } : {}),
      ...(first.soon ? { requeueAfterMs: 5_000 } : {}),
    };
  }
  const applied = versions.map((v) => `${v.service} at ${v.version}`);
  const releasedNote = released.length > 0 ? `; released, left alone: ${released.join(', ')}` : '';
  return {
    condition: {
      type: ConditionType.SchemasReady,
      status: 'True',
      reason: ConditionReason.Reconciled,
      message: `All ${total} schema(s) exist with least-privilege roles and their migrations applied${applied.length > 0 ? ` (${applied.join(', ')})` : ''}${releasedNote}`,
    },
    fields,
  };
}
