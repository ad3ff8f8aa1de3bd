/**
 * One service's database state, brought in line in order: its role and schema (least privilege,
 * with the password the service's Secret holds, or a new one), the Secret written once the role has
 * that password, then its migrations. Failures come back as a reason and a message naming the
 * service, the schema and the migration, so the SchemasReady condition says what to fix.
 */

import type { ServiceName } from '@quire/kit/catalogue';
import type pg from 'pg';
import { ConditionReason } from '../api/index.js';
import { postgresSecretKeys, postgresSecretName } from '../render/names.js';
import type { KubeObject } from '../runtime/resource-kind.js';
import {
  MigrationFailedError,
  type MigrationFile,
  MigrationHistoryError,
  MigrationLockBusyError,
} from './kit-migrations.js';
import {
  describeLockBusy,
  type MigrationRun,
  runMigrations,
  versionName,
  withMigrationLock,
} from './migrator.js';
import { generatePassword, type SchemaStep, type SchemaTarget, scramVerifier } from './schema-plan.js';
import { ensureSchema } from './schema-sync.js';

/** The reason of an applied migration whose file was edited (or removed) afterwards. */
export const migrationChangedReason = ConditionReason.MigrationChanged;

export interface ServiceSchemaInput {
  readonly client: pg.ClientBase;
  readonly target: SchemaTarget;
  readonly database: string;
  /** Reads the password in the service's Secret, when it has one for this role. */
  readonly readPassword: () => Promise<string | undefined>;
  readonly files: readonly MigrationFile[];
  readonly lockWaitMs?: number;
  /** Writes a new password into the service's Secret; called once the role has it. */
  readonly storePassword: (password: string) => Promise<void>;
  readonly onApplied?: (file: MigrationFile, durationMs: number) => void;
}

export interface ServiceSchemaResult {
  readonly steps: readonly SchemaStep[];
  readonly passwordGenerated: boolean;
  readonly run: MigrationRun;
}

/** What went wrong for one service, as the condition reports it. */
export interface ServiceSchemaProblem {
  readonly reason: string;
  readonly message: string;
  /** A person must act (an edited migration); retrying changes nothing. */
  readonly stalled: boolean;
  /** Wait briefly and look again (another migrator holds the lock). */
  readonly soon: boolean;
}

/** Stored passwords are ours (URL-safe, long); anything else is replaced rather than trusted. */
const usable = (password: string | undefined): password is string =>
  password !== undefined && /^[A-Za-z0-9_-]{24,}$/.test(password);

/**
 * Brings one service's role, schema, Secret and migrations in line, all under the schema's migration
 * lock, so another replica never interleaves a password change or a migration with this one.
 */
export async function reconcileServiceSchema(input: ServiceSchemaInput): Promise<ServiceSchemaResult> {
  const lockWaitMs = input.lockWaitMs ?? 10_000;
  return withMigrationLock(input.client, input.target.schema, lockWaitMs, async () => {
    const read = await input.readPassword();
    const stored = usable(read) ? read : undefined;
    const password = stored ?? generatePassword();
    // The role gets the password before the Secret does: if writing the Secret fails, the next
    // reconcile finds no password, makes another and sets it again, so the two never stay apart.
    const steps = await ensureSchema(input.client, input.target, input.database, {
      verifier: scramVerifier(password),
      replace: stored === undefined,
    });
    if (stored === undefined) await input.storePassword(password);
    const run = await runMigrations(input.client, input.target, input.files, {
      lockWaitMs,
      ...(input.onApplied ? { onApplied: input.onApplied } : {}),
    });
    return { steps, passwordGenerated: stored === undefined, run };
  });
}

/**
 * The Secret the service mounts (named where the Deployment builders look for it): its role and
 * password. Labelled by the applier as the operator's, so the runtime's Secret cache holds it.
 */
export function passwordSecret(
  platform: string,
  namespace: string,
  target: SchemaTarget,
  password: string,
): KubeObject {
  const encode = (value: string) => Buffer.from(value).toString('base64');
  return {
    metadata: {
      name: postgresSecretName(platform, target.service as ServiceName),
      namespace,
      labels: { 'app.kubernetes.io/component': target.service },
    },
    type: 'Opaque',
    data: {
      [postgresSecretKeys.username]: encode(target.role),
      [postgresSecretKeys.password]: encode(password),
    },
  };
}

/** Turns an error of `reconcileServiceSchema` into the condition's reason and message. */
export async function describeProblem(
  client: pg.ClientBase,
  service: string,
  target: SchemaTarget,
  error: unknown,
): Promise<ServiceSchemaProblem> {
  const where = `${service} (schema ${target.schema})`;
  if (error instanceof MigrationHistoryError) {
    const file = `services/${service}/migrations/${versionName({ version: error.version, name: error.migration })}.sql`;
    const message =
      error.problem === 'changed'
        ? `${where}: migration ${file} was edited after it was applied (its checksum differs); restore the applied text and add a new migration for the change. Nothing further was applied`
        : `${where}: migration ${file} is applied but this operator does not carry it (an older operator?); run an operator that has it. Nothing further was applied`;
    return { reason: migrationChangedReason, message, stalled: true, soon: false };
  }
  if (error instanceof MigrationFailedError) {
    const file = versionName({ version: error.version, name: error.migration });
    const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
    return {
      reason: ConditionReason.MigrationFailed,
      message: `${where}: migration ${file} failed and was rolled back: ${cause}`,
      stalled: false,
      soon: false,
    };
  }
  if (error instanceof MigrationLockBusyError) {
    return {
      reason: ConditionReason.Migrating,
      message: `${where}: ${await describeLockBusy(client, error)}; waiting for it`,
      stalled: false,
      soon: true,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    reason: ConditionReason.ReconcileFailed,
    message: `${where}: ${message}`,
    stalled: false,
    soon: false,
  };
}
