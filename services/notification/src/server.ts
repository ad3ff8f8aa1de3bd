/**
 * The Notification service process: consumes events into notifications, delivers webhooks, serves
 * the user API. Outside production (QUIRE_ENVIRONMENT=development or test) webhooks may use plain
 * http and private addresses, for local receivers.
 */
import {
  ConfigError,
  createJwksVerifier,
  createLogger,
  createPgPool,
  migrateFolder,
  pruneProcessedEvents,
  runService,
  startTracing,
} from '@quire/kit';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { migrationsDir } from './migrations-dir.js';
import { startNotificationConsumer } from './notification-consumer.js';
import { defaultDispatcherSettings, WebhookDispatcher } from './webhook-dispatcher.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: 'notification', level: config.base.logLevel });
  const tracing = startTracing({
    service: 'notification',
    otlpEndpoint: config.base.otlpEndpoint,
    sampleRatio: config.base.traceSampleRatio,
  });
  const pool = createPgPool({
    url: config.postgres.url,
    schema: config.postgres.schema,
    max: config.postgres.poolSize,
    applicationName: 'quire-notification',
    logger,
  });
  if (config.postgres.migrateOnStart) {
    const applied = await migrateFolder(pool, config.postgres.schema, migrationsDir);
    logger.info({ applied, schema: config.postgres.schema }, 'Applied migrations');
  }
  const local = config.base.environment !== 'production';
  const policy = { allowPlainHttp: local, allowPrivateAddresses: local };
  const dispatcher = new WebhookDispatcher(pool, logger, { ...defaultDispatcherSettings(), policy });
  dispatcher.start();
  const app = createApp({
    pool,
    // In the cluster the key set is on auth's mTLS port: the fetch presents this service's certificate.
    verifier: createJwksVerifier({ ...config.jwt, tls: config.base.tls }),
    logger,
    webhookPolicy: policy,
    environment: config.base.environment,
  });
  const consumer = await startNotificationConsumer({
    pool,
    brokers: config.kafka.brokers,
    logger,
    registry: app.metrics.registry,
    onStored: () => dispatcher.poke(),
  });
  // Event ids older than the topics' retention (7 days) cannot come again.
  const prune = setInterval(() => void pruneProcessedEvents(pool, 8).catch(() => undefined), 3_600_000);
  await runService({
    config: config.base,
    logger,
    app,
    steps: [
      { name: 'kafka consumer', close: () => consumer.stop() },
      { name: 'webhook dispatcher', close: () => dispatcher.stop() },
      { name: 'pruning', close: async () => clearInterval(prune) },
      { name: 'postgres', close: () => pool.end() },
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
  });
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(err.message);
  else console.error('The notification service failed to start:', err);
  process.exit(1);
});
