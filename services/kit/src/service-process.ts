/**
 * What every service process does before its own wiring: start logging and tracing from the base
 * settings, open its PostgreSQL pool (migrated first when the settings ask, as local runs do; in the
 * cluster the operator migrates), and end a failed start-up with a message and exit code 1.
 */
import type pg from 'pg';
import type { Logger } from 'pino';
import { type BaseConfig, ConfigError, type PostgresConfig } from './config.js';
import { createLogger } from './logger.js';
import { migrateFolder } from './migrations.js';
import { createPgPool } from './postgres.js';
import { startTracing } from './tracing.js';

export interface ServiceProcess {
  readonly logger: Logger;
  readonly tracing: { shutdown: () => Promise<void> };
}

/** The logger and the tracing of service `service`. */
export function startServiceProcess(service: string, base: BaseConfig): ServiceProcess {
  const logger = createLogger({ service, level: base.logLevel });
  const tracing = startTracing({
    service,
    otlpEndpoint: base.otlpEndpoint,
    sampleRatio: base.traceSampleRatio,
  });
  return { logger, tracing };
}

/** The service's pool on its own schema, after applying `migrationsDir` when `migrateOnStart` is set. */
export async function openServiceDatabase(options: {
  service: string;
  postgres: PostgresConfig;
  migrationsDir: string;
  logger: Logger;
}): Promise<pg.Pool> {
  const { postgres, logger } = options;
  const pool = createPgPool({
    url: postgres.url,
    schema: postgres.schema,
    max: postgres.poolSize,
    applicationName: `quire-${options.service}`,
    logger,
  });
  if (postgres.migrateOnStart) {
    const applied = await migrateFolder(pool, postgres.schema, options.migrationsDir);
    logger.info({ applied, schema: postgres.schema }, 'Applied migrations');
  }
  return pool;
}

/**
 * Runs `main`; when it fails, prints the configuration problems (already a list naming every variable
 * and its fix) or the error, and exits 1 so the kubelet restarts the pod with the reason in its log.
 */
export function runMain(service: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message);
    else console.error(`The ${service} service failed to start:`, err);
    process.exit(1);
  });
}
