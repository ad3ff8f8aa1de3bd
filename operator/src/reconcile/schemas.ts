/**
 * The schemas phase: for each service that keeps state (less those released by annotation), a
 * least-privilege role that owns its schema, its password in the Secret the service mounts, and its
 * packaged migrations applied in order under the migration lock, on one dedicated admin session.
 * Reports SchemasReady and the applied version of each schema in status.schemas. It runs before the
 * workloads, so a new spec.version rolls out only onto migrated schemas. An applied migration that
 * was edited stalls the phase with reason MigrationChanged and is never re-run. `cleanup` applies
 * spec.deletionPolicy.schemas behind the finalizer.
 */
import type { ServiceName } from '@quire/kit/catalogue';
import type pg from 'pg';
import { ConditionReason, ConditionType } from '../api/index.js';
import { servicesWithSchema } from '../api/spec-stores.js';
import type { ExternalMetrics } from '../external/external-metrics.js';
import { KeyedBackoff } from '../external/keyed-backoff.js';
import type { MigrationBundle } from '../external/migration-bundle.js';
import { type AppliedVersion, latestApplied } from '../external/migrator.js';
import {
  connectPostgres,
  isConnectionLost,
  PostgresUnavailableError,
  postgresConnectionFor,
  type SessionTimeouts,
} from '../external/postgres-admin.js';
import { type CleanupOutcome, releasedSchemas } from '../external/release-annotations.js';
import { roleNameFor, type SchemaTarget } from '../external/schema-plan.js';
import { reportSchemaResult, schemaProblemOutcome } from '../external/schema-report.js';
import { dropSchema } from '../external/schema-sync.js';
import { SecretMissingError, type SecretSource } from '../external/secret-source.js';
import {
  describeProblem,
  passwordSecret,
  reconcileServiceSchema,
  type ServiceSchemaProblem,
  type ServiceSchemaResult,
} from '../external/service-schema.js';
import { platformKind } from '../render/kinds.js';
import { postgresSecretKeys, postgresSecretName } from '../render/names.js';
import { kubeTime } from '../runtime/conditions.js';
import { kinds } from '../runtime/resource-kind.js';
import type { Phase, PhaseOutcome, ReconcileScope } from './scope.js';

export { migrationChangedReason } from '../external/service-schema.js';

export interface SchemasPhaseDeps {
  readonly secrets: SecretSource;
  readonly metrics: ExternalMetrics;
  /** The packaged migrations, loaded once at start (`loadMigrationBundle`). */
  readonly migrations: MigrationBundle;
  readonly timeouts?: SessionTimeouts;
  /** How long to wait for another migrator of a schema before reporting Migrating (default 10 s). */
  readonly lockWaitMs?: number;
}

export interface SchemasPhase extends Phase {
  /** Applies spec.deletionPolicy.schemas to a Platform being deleted; `done` lets the finalizer go. */
  cleanup(scope: ReconcileScope): Promise<CleanupOutcome>;
}

interface Managed {
  readonly service: ServiceName;
  readonly target: SchemaTarget;
}

/** The services whose schema the operator manages for this Platform, and those released. */
export function managedSchemas(scope: ReconcileScope): { managed: Managed[]; released: string[] } {
  const { postgres } = scope.platform.spec;
  const released = releasedSchemas(scope.object);
  const managed: Managed[] = [];
  const releasedNames: string[] = [];
  for (const service of servicesWithSchema) {
    const schema = postgres.schemas[service]?.name ?? service;
    if (released.has(service) || released.has(schema)) releasedNames.push(service);
    else managed.push({ service, target: { service, schema, role: roleNameFor(postgres.database, schema) } });
  }
  return { managed, released: releasedNames };
}

const notReady = (reason: string, message: string) =>
  ({ type: ConditionType.SchemasReady, status: 'False', reason, message }) as const;

/** Creates the schemas phase over the packaged migrations. */
export function createSchemasPhase(deps: SchemasPhaseDeps): SchemasPhase {
  const backoff = new KeyedBackoff();
  const keyOf = (scope: ReconcileScope) => scope.object.metadata.uid ?? `${scope.namespace}/${scope.name}`;

  async function open(scope: ReconcileScope): Promise<pg.Client> {
    const connection = await postgresConnectionFor(
      scope.platform.spec.postgres,
      scope.namespace,
      deps.secrets,
    );
    return connectPostgres(connection, deps.timeouts);
  }

  function unavailable(scope: ReconcileScope, error: Error): PhaseOutcome {
    deps.metrics.schemasReady.set({ namespace: scope.namespace, platform: scope.name }, 0);
    const delay = backoff.next(keyOf(scope));
    const { host, port } = scope.platform.spec.postgres;
    scope.deps.events.record(platformKind, scope.object, {
      type: 'Warning',
      reason: 'PostgresUnavailable',
      action: 'SyncSchemas',
      note: `Could not reach PostgreSQL at ${host}:${port}`,
    });
    return {
      condition: notReady(
        ConditionReason.DependencyUnavailable,
        `${error.message}; retrying in ${Math.ceil(delay / 1000)} s`,
      ),
      requeueAfterMs: delay,
    };
  }

  async function storePassword(scope: ReconcileScope, managed: Managed, password: string): Promise<void> {
    const secret = passwordSecret(scope.name, scope.namespace, managed.target, password);
    const owner = { kind: platformKind, object: scope.object };
    const outcome = await scope.deps.writer.apply(kinds.secret, secret, { owner });
    if (outcome.result === 'conflict') throw new Error(outcome.message);
  }

  async function reconcileOne(
    scope: ReconcileScope,
    client: pg.Client,
    managed: Managed,
  ): Promise<ServiceSchemaResult> {
    const { service, target } = managed;
    return reconcileServiceSchema({
      client,
      target,
      database: scope.platform.spec.postgres.database,
      readPassword: async () => {
        const secret = await deps.secrets.read(scope.namespace, postgresSecretName(scope.name, service));
        return secret?.[postgresSecretKeys.username] === target.role
          ? secret[postgresSecretKeys.password]
          : undefined;
      },
      files: deps.migrations.get(service) ?? [],
      ...(deps.lockWaitMs !== undefined ? { lockWaitMs: deps.lockWaitMs } : {}),
      storePassword: (password) => storePassword(scope, managed, password),
      onApplied: (_file, ms) => deps.metrics.migrationDuration.observe({ service }, ms / 1000),
    });
  }

  return {
    name: 'schemas',
    conditionType: ConditionType.SchemasReady,

    async run(scope) {
      const { managed, released } = managedSchemas(scope);
      let client: pg.Client;
      try {
        client = await open(scope);
      } catch (error) {
        if (error instanceof SecretMissingError) {
          return {
            condition: notReady(
              ConditionReason.SecretNotFound,
              `${error.message}; create it, or fix spec.postgres.adminCredentials`,
            ),
            requeueAfterMs: 30_000,
          };
        }
        if (error instanceof PostgresUnavailableError) return unavailable(scope, error);
        throw error;
      }
      const problems: ServiceSchemaProblem[] = [];
      const versions: Array<Record<string, string>> = [];
      try {
        for (const one of managed) {
          let latest: AppliedVersion | undefined;
          try {
            const result = await reconcileOne(scope, client, one);
            reportSchemaResult(scope, deps.metrics, one.service, one.target, result);
            latest = result.run.latest;
          } catch (error) {
            if (isConnectionLost(error))
              return unavailable(scope, error instanceof Error ? error : new Error(String(error)));
            problems.push(await describeProblem(client, one.service, one.target, error));
            latest = await latestApplied(client, one.target.schema).catch(() => undefined);
          }
          if (latest) {
            const { service, target } = one;
            versions.push({
              service,
              schema: target.schema,
              version: latest.version,
              appliedAt: kubeTime(latest.appliedAt),
            });
          }
        }
      } finally {
        await client.end().catch(() => undefined);
      }
      backoff.reset(keyOf(scope));
      const outcome = schemaProblemOutcome(scope, problems, managed.length, versions, released);
      deps.metrics.schemasReady.set(
        { namespace: scope.namespace, platform: scope.name },
        outcome.condition.status === 'True' ? 1 : 0,
      );
      return outcome;
    },

    async cleanup(scope) {
      const { managed, released } = managedSchemas(scope);
      const policy = scope.platform.spec.deletionPolicy.schemas;
      const names = managed.map((m) => `${m.service} (schema ${m.target.schema}, role ${m.target.role})`);
      const kept = released.length > 0 ? `; released and kept: ${released.join(', ')}` : '';
      const finish = (reason: string, note: string): CleanupOutcome => {
        scope.deps.events.record(platformKind, scope.object, {
          type: 'Normal',
          reason,
          action: 'Cleanup',
          note,
        });
        backoff.reset(keyOf(scope));
        deps.metrics.schemasReady.remove({ namespace: scope.namespace, platform: scope.name });
        return { done: true, message: note };
      };
      if (policy === 'Retain' || managed.length === 0) {
        return finish(
          'SchemasRetained',
          `Kept ${managed.length} schema(s) with their data and roles (spec.deletionPolicy.schemas is ${policy}): ${names.join(', ') || 'none'}${kept}`,
        );
      }
      try {
        const client = await open(scope);
        try {
          for (const one of managed) {
            if (await dropSchema(client, one.target)) {
              deps.metrics.schemaChanges.inc({
                namespace: scope.namespace,
                platform: scope.name,
                action: 'drop',
              });
            }
          }
        } finally {
          await client.end().catch(() => undefined);
        }
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        const delay = backoff.next(keyOf(scope));
        return {
          done: false,
          message: `Could not delete the schemas yet (${error.message}); retrying in ${Math.ceil(delay / 1000)} s. Set spec.deletionPolicy.schemas to Retain to keep them instead`,
          requeueAfterMs: delay,
        };
      }
      return finish(
        'SchemasDeleted',
        `Deleted ${managed.length} schema(s), their data and roles (spec.deletionPolicy.schemas is Delete): ${names.join(', ')}${kept}`,
      );
    },
  };
}
