/**
 * The kit's migration runner, the one part of the kit the operator needs beyond its catalogue, from
 * its light entry `@quire/kit/migrations` (the kit's root pulls in Express and tracing at start).
 */
export {
  type AppliedMigration,
  appliedMigrations,
  checksumOf,
  loadMigrations,
  lockMigrations,
  type MigrateOptions,
  MigrationFailedError,
  type MigrationFile,
  MigrationHistoryError,
  MigrationLockBusyError,
  migrate,
  migrationLockKey,
  unlockMigrations,
} from '@quire/kit/migrations';
