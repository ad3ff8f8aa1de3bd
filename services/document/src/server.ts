/**
 * The Document service process: reads its config, connects, migrates when asked, relays its outbox,
 * records export outcomes from Kafka, serves, and shuts down on SIGTERM.
 */
import {
  createJwksVerifier,
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
import { loadConfig } from './config.js';
import { ContentCleanup } from './content-cleanup.js';
import { defaultTopics } from './document-events.js';
import { startExportResultsConsumer } from './export-results.js';
import { migrationsDir } from './migrations-dir.js';
import { ObjectStore } from './object-store.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { logger, tracing } = startServiceProcess('document', config.base);
  const pool = await openServiceDatabase({
    service: 'document',
    postgres: config.postgres,
    migrationsDir,
    logger,
  });
  const objects = new ObjectStore(createS3Client(config.s3), config.s3.bucket);
  const publisher = createKafkaPublisher({
    brokers: config.kafka.brokers,
    access: config.kafka.access,
    clientId: 'quire-document',
    logger,
  });
  // Commits wake the relay at once; the slow poll only covers a lost listener connection.
  const relay = new OutboxRelay({ pool, publisher, logger, idleDelayMs: 1_000 });
  const listener = new OutboxListener({
    url: config.postgres.url,
    schema: config.postgres.schema,
    onCommit: () => relay.wake(),
    logger,
  });
  relay.start();
  await listener.start();
  const cleanup = new ContentCleanup({ pool, objects, logger });
  cleanup.start();
  const app = createApp({
    pool,
    objects,
    // In the cluster the key set is on auth's mTLS port: the fetch presents this service's certificate.
    verifier: createJwksVerifier({ ...config.jwt, tls: config.base.tls }),
    logger,
    settings: config.document,
    environment: config.base.environment,
  });
  // Documents are served with Kafka away (events wait in the outbox): the export results consumer
  // starts in the background and reports its state (/readyz's `kafka consumer` check,
  // `kafka_consumer_connected`) without gating readiness; only export statuses wait for it.
  const results = startConsumerInBackground({
    brokers: config.kafka.brokers,
    logger,
    start: () =>
      startExportResultsConsumer({
        pool,
        brokers: config.kafka.brokers,
        access: config.kafka.access,
        logger,
        topic: defaultTopics.exportResults,
        registry: app.metrics.registry,
      }),
  });
  app.readiness.add('kafka consumer', results.check, { gating: false });
  // Ids of applied outcomes are kept past the results topic's retention (3 days), then forgotten.
  const prune = setInterval(() => void pruneProcessedEvents(pool, 4).catch(() => undefined), 3_600_000);
  await runService({
    config: config.base,
    logger,
    app,
    steps: [
      { name: 'export results consumer', close: () => results.stop() },
      { name: 'pruning', close: async () => clearInterval(prune) },
      { name: 'content cleanup', close: () => cleanup.stop() },
      { name: 'outbox listener', close: () => listener.stop() },
      { name: 'outbox relay', close: () => relay.stop() },
      { name: 'kafka', close: () => publisher.close() },
      { name: 'postgres', close: () => pool.end() },
      { name: 's3', close: async () => objects.s3.destroy() },
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
  });
}

runMain('document', main);
