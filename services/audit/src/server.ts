/** The Audit service process: consumes every platform topic into the log and serves the admin API. */
import {
  createJwksVerifier,
  createKafkaPublisher,
  OutboxListener,
  OutboxRelay,
  openServiceDatabase,
  runMain,
  runService,
  startConsumerInBackground,
  startServiceProcess,
} from '@quire/kit';
import { createApp } from './app.js';
import { startAuditConsumer } from './audit-consumer.js';
import { CheckpointScheduler } from './checkpoint-scheduler.js';
import { loadConfig } from './config.js';
import { migrationsDir } from './migrations-dir.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { logger, tracing } = startServiceProcess('audit', config.base);
  const pool = await openServiceDatabase({
    service: 'audit',
    postgres: config.postgres,
    migrationsDir,
    logger,
  });
  // Checkpoints leave through the outbox, so one recorded while Kafka is away is published later;
  // commits wake the relay at once, and its slow poll only covers a lost listener connection.
  const publisher = createKafkaPublisher({ ...config.kafka, clientId: 'quire-audit', logger });
  const relay = new OutboxRelay({ pool, publisher, logger, idleDelayMs: 1_000 });
  const listener = new OutboxListener({
    url: config.postgres.url,
    schema: config.postgres.schema,
    onCommit: () => relay.wake(),
    logger,
  });
  relay.start();
  await listener.start();
  const scheduler = new CheckpointScheduler({ pool, settings: config.checkpoints, logger });
  scheduler.start();
  const app = createApp({
    pool,
    // In the cluster the key set is on auth's mTLS port: the fetch presents this service's certificate.
    verifier: createJwksVerifier({ ...config.jwt, tls: config.base.tls }),
    logger,
    environment: config.base.environment,
  });
  // The log can be queried and verified without Kafka (events wait in their topics meanwhile): the
  // consumer starts in the background and reports its state (/readyz's `kafka consumer` check,
  // `kafka_consumer_connected`) without gating readiness, which would take the admin API down with it.
  const consumer = startConsumerInBackground({
    brokers: config.kafka.brokers,
    logger,
    start: () =>
      startAuditConsumer({
        pool,
        brokers: config.kafka.brokers,
        access: config.kafka.access,
        logger,
        registry: app.metrics.registry,
        checkpoints: config.checkpoints,
      }),
  });
  app.readiness.add('kafka consumer', consumer.check, { gating: false });
  await runService({
    config: config.base,
    logger,
    app,
    steps: [
      { name: 'kafka consumer', close: () => consumer.stop() },
      { name: 'checkpoints', close: () => scheduler.stop() },
      { name: 'outbox listener', close: () => listener.stop() },
      { name: 'outbox relay', close: () => relay.stop() },
      { name: 'kafka', close: () => publisher.close() },
      { name: 'postgres', close: () => pool.end() },
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
  });
}

runMain('audit', main);
