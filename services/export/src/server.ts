/**
 * The Export service process: takes up export requests, publishes their results through the outbox
 * (relay woken on commit), serves ops. Shutdown stops taking requests first; an export in flight is
 * finished within the shutdown timeout, or taken up again by another replica.
 */
import {
  createKafkaPublisher,
  createS3Client,
  OutboxListener,
  OutboxRelay,
  openServiceDatabase,
  pruneProcessedEvents,
  runMain,
  runService,
  startConsumerInBackground,
  startServiceProcess,
} from '@quire/kit';
import { createApp } from './app.js';
import { defaultExportSettings, loadConfig } from './config.js';
import { startExportConsumer } from './export-consumer.js';
import { migrationsDir } from './migrations-dir.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { logger, tracing } = startServiceProcess('export', config.base);
  const pool = await openServiceDatabase({
    service: 'export',
    postgres: config.postgres,
    migrationsDir,
    logger,
  });
  const s3 = createS3Client(config.s3);
  const publisher = createKafkaPublisher({ ...config.kafka, clientId: 'quire-export', logger });
  const relay = new OutboxRelay({ pool, publisher, logger });
  const listener = new OutboxListener({
    url: config.postgres.url,
    schema: config.postgres.schema,
    onCommit: () => relay.wake(),
    logger,
  });
  relay.start();
  await listener.start();
  const app = createApp({ pool, s3, bucket: config.s3.bucket, logger, environment: config.base.environment });
  // Export has no API: consuming requests is all it does, so here the consumer gates readiness. No
  // traffic is lost by it, and a rollout or the operator's WorkloadsReady then shows that exports are
  // not being taken up, while the pod keeps running (and retrying) instead of crash-looping.
  const consumer = startConsumerInBackground({
    brokers: config.kafka.brokers,
    logger,
    start: () =>
      startExportConsumer({
        pool,
        s3,
        bucket: config.s3.bucket,
        brokers: config.kafka.brokers,
        access: config.kafka.access,
        logger,
        settings: defaultExportSettings(),
        registry: app.metrics.registry,
      }),
  });
  app.readiness.add('kafka consumer', consumer.check);
  const prune = setInterval(() => void pruneProcessedEvents(pool, 4).catch(() => undefined), 3_600_000);
  await runService({
    config: config.base,
    logger,
    app,
    steps: [
      { name: 'kafka consumer', close: () => consumer.stop() },
      { name: 'pruning', close: async () => clearInterval(prune) },
      { name: 'outbox listener', close: () => listener.stop() },
      { name: 'outbox relay', close: () => relay.stop() },
      { name: 'kafka', close: () => publisher.close() },
      { name: 'postgres', close: () => pool.end() },
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
  });
}

runMain('export', main);
