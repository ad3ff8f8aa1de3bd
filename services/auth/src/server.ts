/** The Auth service process: reads its config, connects, migrates when asked, serves, shuts down on SIGTERM. */
import {
  connectRedis,
  createKafkaPublisher,
  OutboxRelay,
  openServiceDatabase,
  runMain,
  runService,
  startServiceProcess,
} from '@quire/kit';
import { AccountStore } from './accounts.js';
import { createApp } from './app.js';
import { authTopic } from './auth-events.js';
import { loadConfig } from './config.js';
import { migrationsDir } from './migrations-dir.js';
import { grantFirstAdmin } from './roles.js';
import { SigningKeyRing } from './signing-keys.js';

const firstAdminMessages = {
  granted: 'Made the account of QUIRE_AUTH_BOOTSTRAP_ADMIN_EMAIL the first admin',
  'admin-exists':
    'Ignored QUIRE_AUTH_BOOTSTRAP_ADMIN_EMAIL because an admin exists; the setting can be removed',
  'no-account': 'Will make the account of QUIRE_AUTH_BOOTSTRAP_ADMIN_EMAIL the first admin when it signs up',
} as const;

async function main(): Promise<void> {
  const config = loadConfig();
  const { logger, tracing } = startServiceProcess('auth', config.base);
  const pool = await openServiceDatabase({
    service: 'auth',
    postgres: config.postgres,
    migrationsDir,
    logger,
  });
  if (config.auth.bootstrapAdminEmail) {
    // The account may exist already (signed up before the setting was made); sign-up covers the rest.
    const first = await grantFirstAdmin(new AccountStore(pool, authTopic), config.auth.bootstrapAdminEmail);
    logger.info(
      first.outcome === 'granted' ? { accountId: first.account.id } : {},
      firstAdminMessages[first.outcome],
    );
  }
  if (config.base.tls.mode === 'mtls' && config.auth.trustedProxyIds.length === 0) {
    logger.warn(
      "Counting login attempts per connection address because QUIRE_TRUSTED_PROXY_IDS is unset; every client behind the gateway shares one limit until it names the gateway's SPIFFE ID",
    );
  }
  const redis = await connectRedis(config.redis.url);
  const keys = new SigningKeyRing(pool, {
    rotationMs: config.auth.signingKeyRotationMs,
    accessTokenTtlSeconds: config.auth.accessTokenTtlSeconds,
    logger,
  });
  await keys.start();
  const publisher = createKafkaPublisher({ ...config.kafka, clientId: 'quire-auth', logger });
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

runMain('auth', main);
