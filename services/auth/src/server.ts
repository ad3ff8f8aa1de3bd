/** The Auth service process: reads its config, connects, migrates when asked, serves, shuts down on SIGTERM. */
import {
  ConfigError,
  connectRedis,
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
import { SigningKeyRing } from './signing-keys.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: 'auth', level: config.base.logLevel });
  const tracing = startTracing({
    service: 'auth',
    otlpEndpoint: config.base.otlpEndpoint,
    sampleRatio: config.base.traceSampleRatio,
  });
  const pool = createPgPool({
    url: config.postgres.url,
    schema: config.postgres.schema,
    max: config.postgres.poolSize,
    applicationName: 'quire-auth',
    logger,
  });
  if (config.postgres.migrateOnStart) {
    const applied = await migrateFolder(pool, config.postgres.schema, migrationsDir);
    logger.info({ applied, schema: config.postgres.schema }, 'Applied migrations');
  }
  const redis = await connectRedis(config.redis.url);
  const keys = new SigningKeyRing(pool, {
    rotationMs: config.auth.signingKeyRotationMs,
    accessTokenTtlSeconds: config.auth.accessTokenTtlSeconds,
    logger,
  });
  await keys.start();
  const publisher = createKafkaPublisher({ brokers: config.kafka.brokers, clientId: 'quire-auth', logger });
  const relay = new OutboxRelay({ pool, publisher, logger });
  relay.start();
  const app = createApp({
    pool,
    redis,
    keys,
    settings: config.auth,
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
      { name: 'signing keys', close: async () => keys.stop() },
      { name: 'redis', close: () => redis.quit() },
      { name: 'postgres', close: () => pool.end() },
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
  });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('The auth service failed to start:', err);
  process.exit(1);
});
