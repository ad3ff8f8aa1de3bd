/** The User service process: reads its config, connects, migrates when asked, serves, shuts down on SIGTERM. */
import {
  ConfigError,
  createJwksVerifier,
  createKafkaPublisher,
  createLogger,
  createPgPool,
  migrateFolder,
  OutboxRelay,
  runService,
  startTracing,
} from '@quire/kit';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { migrationsDir } from './migrations-dir.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: 'user', level: config.base.logLevel });
  const tracing = startTracing({
    service: 'user',
    otlpEndpoint: config.base.otlpEndpoint,
    sampleRatio: config.base.traceSampleRatio,
  });
  const pool = createPgPool({
    url: config.postgres.url,
    schema: config.postgres.schema,
    max: config.postgres.poolSize,
    applicationName: 'quire-user',
    logger,
  });
  if (config.postgres.migrateOnStart) {
    const applied = await migrateFolder(pool, config.postgres.schema, migrationsDir);
    logger.info({ applied, schema: config.postgres.schema }, 'Applied migrations');
  }
  const publisher = createKafkaPublisher({ brokers: config.kafka.brokers, clientId: 'quire-user', logger });
  const relay = new OutboxRelay({ pool, publisher, logger });
  relay.start();
  const app = createApp({
    pool,
    // In the cluster the key set is on auth's mTLS port: the fetch presents this service's certificate.
    verifier: createJwksVerifier({ ...config.jwt, tls: config.base.tls }),
    logger,
    environment: config.base.environment,
  });
  await runService({
    config: config.base,
    logger,
    app,
    steps: [
      { name: 'outbox relay', close: () => relay.stop() },
      { name: 'kafka', close: () => publisher.close() },
      { name: 'postgres', close: () => pool.end() },
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
  });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('The user service failed to start:', err);
  process.exit(1);
});
