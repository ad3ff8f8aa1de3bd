/**
 * The Notification service process: consumes events into notifications, delivers webhooks, serves
 * the user API. Outside production (QUIRE_ENVIRONMENT=development or test) webhooks may use plain
 * http and private addresses, for local receivers.
 */
import {
  createJwksVerifier,
  openServiceDatabase,
  pruneProcessedEvents,
  runMain,
  runService,
  startConsumerInBackground,
  startServiceProcess,
} from '@quire/kit';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { migrationsDir } from './migrations-dir.js';
import { startNotificationConsumer } from './notification-consumer.js';
import { defaultDispatcherSettings, WebhookDispatcher } from './webhook-dispatcher.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { logger, tracing } = startServiceProcess('notification', config.base);
  const pool = await openServiceDatabase({
    service: 'notification',
    postgres: config.postgres,
    migrationsDir,
    logger,
  });
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
  // The list, read marks and webhook deliveries work without Kafka: the consumer starts in the
  // background and reports its state (/readyz's `kafka consumer` check, `kafka_consumer_connected`)
  // without gating readiness, which would take every replica out of the Service while Kafka is away.
  const consumer = startConsumerInBackground({
    brokers: config.kafka.brokers,
    logger,
    start: () =>
      startNotificationConsumer({
        pool,
        brokers: config.kafka.brokers,
        access: config.kafka.access,
        logger,
        registry: app.metrics.registry,
        onStored: () => dispatcher.poke(),
      }),
  });
  app.readiness.add('kafka consumer', consumer.check, { gating: false });
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

runMain('notification', main);
