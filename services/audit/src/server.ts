/** The Audit service process: consumes every platform topic into the log and serves the admin API. */
import {
  ConfigError,
  createJwksVerifier,
  createLogger,
  createPgPool,
  migrateFolder,
  runService,
  startTracing,
} from '@quire/kit';
import { createApp } from './app.js';
import { startAuditConsumer } from './audit-consumer.js';
import { loadConfig } from './config.js';
import { migrationsDir } from './migrations-dir.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: 'audit', level: config.base.logLevel });
  const tracing = startTracing({
    service: 'audit',
    otlpEndpoint: config.base.otlpEndpoint,
    sampleRatio: config.base.traceSampleRatio,
  });
  const pool = createPgPool({
    url: config.postgres.url,
    schema: config.postgres.schema,
    max: config.postgres.poolSize,
    applicationName: 'quire-audit',
    logger,
  });
  if (config.postgres.migrateOnStart) {
    const applied = await migrateFolder(pool, config.postgres.schema, migrationsDir);
    logger.info({ applied, schema: config.postgres.schema }, 'Applied migrations');
  }
  const app = createApp({
    pool,
    // In the cluster the key set is on auth's mTLS port: the fetch presents this service's certificate.
    verifier: createJwksVerifier({ ...config.jwt, tls: config.base.tls }),
    logger,
    environment: config.base.environment,
  });
  const consumer = await startAuditConsumer({
    pool,
    brokers: config.kafka.brokers,
    logger,
    registry: app.metrics.registry,
  });
  await runService({
    config: config.base,
    logger,
    app,
    steps: [
      { name: 'kafka consumer', close: () => consumer.stop() },
      { name: 'postgres', close: () => pool.end() },
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
  });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('The audit service failed to start:', err);
  process.exit(1);
});
