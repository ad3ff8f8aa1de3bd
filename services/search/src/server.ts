/**
 * The Search service process: reads its config, puts the index alias on the current definition
 * (reindexing when it changed), consumes document events into the index and serves searches.
 */
import {
  createJwksVerifier,
  createKafkaPublisher,
  eventTopic,
  runMain,
  runService,
  startConsumerInBackground,
  startEventConsumer,
  startServiceProcess,
  toMessage,
} from '@quire/kit';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { DocumentIndexer } from './document-indexer.js';
import { createEngine } from './engines.js';
import { documentsIndex } from './index-definition.js';
import { IndexManager } from './index-manager.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { logger, tracing } = startServiceProcess('search', config.base);
  const engine = createEngine(config.search.kind, config.search.url);
  const manager = new IndexManager(engine, config.search.indexPrefix, logger);
  const index = await manager.ensure(documentsIndex);
  logger.info({ alias: manager.alias, index: index.index, engine: engine.kind }, 'Search index ready');
  const indexer = new DocumentIndexer(engine, manager.alias, logger);
  // Events that keep failing go to the dead-letter topic with the error, for inspection and replay.
  const deadLetters = createKafkaPublisher({
    brokers: config.kafka.brokers,
    access: config.kafka.access,
    clientId: 'quire-search',
    logger,
  });
  const app = createApp({
    engine,
    alias: manager.alias,
    // In the cluster the key set is on auth's mTLS port: the fetch presents this service's certificate.
    verifier: createJwksVerifier({ ...config.jwt, tls: config.base.tls }),
    logger,
    environment: config.base.environment,
  });
  // Searches are answered from the index without Kafka: the consumer starts in the background and
  // only reports its state (/readyz's `kafka consumer` check, `kafka_consumer_connected`). It does
  // not gate readiness, since every replica would leave the Service together while Kafka is away,
  // turning stale results into no results.
  const consumer = startConsumerInBackground({
    brokers: config.kafka.brokers,
    logger,
    start: () =>
      startEventConsumer({
        brokers: config.kafka.brokers,
        access: config.kafka.access,
        clientId: 'quire-search',
        groupId: 'quire-search',
        topics: [eventTopic('document')],
        fromBeginning: true,
        logger,
        registry: app.metrics.registry,
        handle: async (event) => {
          await indexer.apply(event);
        },
        deadLetter: async (event, origin, err) => {
          const message = toMessage('quire.search.dead-letter', event);
          message.headers['quire-error'] = err instanceof Error ? err.message : String(err);
          message.headers['quire-source-topic'] = origin.topic;
          await deadLetters.publish([message]);
        },
      }),
  });
  app.readiness.add('kafka consumer', consumer.check, { gating: false });
  await runService({
    config: config.base,
    logger,
    app,
    steps: [
      { name: 'kafka consumer', close: () => consumer.stop() },
      { name: 'kafka', close: () => deadLetters.close() },
      { name: 'search engine', close: () => engine.close() },
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
  });
}

runMain('search', main);
