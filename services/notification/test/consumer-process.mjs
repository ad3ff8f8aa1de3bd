// The Notification consumer alone in a child process, so a test can SIGKILL it mid-batch. It commits
// offsets only at the end of a batch (a kill leaves handled events uncommitted, to come again) and
// tells the parent over IPC when it joined and each time an event turned out to be a redelivery.
import { createPgPool } from '@quire/kit';
import { testLogger } from '@quire/kit/testing';
import { startNotificationConsumer } from '../dist/notification-consumer.js';

const env = process.env;
const logger = testLogger('notification');
const pool = createPgPool({
  url: env.QUIRE_POSTGRES_URL,
  schema: env.PROBE_SCHEMA,
  applicationName: 'probe',
  logger,
});
const consumer = await startNotificationConsumer({
  pool,
  brokers: env.QUIRE_KAFKA_BROKERS.split(','),
  logger,
  groupId: env.PROBE_GROUP,
  topics: [env.PROBE_TOPIC],
  deadLetterTopic: env.PROBE_TOPIC,
  fromBeginning: true,
  commitIntervalMs: 600_000,
  sessionTimeoutMs: 6_000,
  onDuplicate: () => process.send?.('duplicate'),
});
await consumer.joined;
process.send?.('joined');
