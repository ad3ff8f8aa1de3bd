/** The User service process: reads its config, connects, migrates when asked, serves, shuts down on SIGTERM. */
import {
  connectRedis,
  createJwksVerifier,
  createKafkaPublisher,
  OutboxRelay,
  openServiceDatabase,
  runMain,
  runService,
  startServiceProcess,
} from '@quire/kit';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { migrationsDir } from './migrations-dir.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { logger, tracing } = startServiceProcess('user', config.base);
  const pool = await openServiceDatabase({
    service: 'user',
    postgres: config.postgres,
    migrationsDir,
    logger,
  });
  const redis = await connectRedis(config.redis.url);
  const publisher = createKafkaPublisher({ ...config.kafka, clientId: 'quire-user', logger });
  const relay = new OutboxRelay({ pool, publisher, logger });
  relay.start();
  const app = createApp({
    pool,
    redis,
    settings: config.user,
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
      { name: 'redis', close: () => redis.quit() },
      { name: 'postgres', close: () => pool.end() },
      { name: 'tracing', close: () => tracing.shutdown() },
    ],
  });
}

runMain('user', main);
