// The Audit consumer alone in a child process, so a test can SIGKILL it mid-batch. It reads its
// schema, topic and group from the environment, commits offsets only at the end of a batch (so a
// kill leaves handled events uncommitted, to be delivered again), and tells the parent over IPC when
// it joined and each time an event turned out to be a redelivery.
import { createPgPool } from '@quire/kit';
import { testLogger } from '@quire/kit/testing';
import { startAuditConsumer } from '../dist/audit-consumer.js';

const env = process.env;
const logger = testLogger('audit');
const pool = createPgPool({
  url: env.QUIRE_POSTGRES_URL,
  schema: env.PROBE_SCHEMA,
  applicationName: 'probe',
  logger,
});
const consumer = await startAuditConsumer({
  pool,
  brokers: env.QUIRE_KAFKA_BROKERS.split(','),
  logger,
  groupId: env.PROBE_GROUP,
  topics: [env.PROBE_TOPIC],
  commitIntervalMs: 600_000,
  sessionTimeoutMs: 6_000,
  onDuplicate: () => process.send?.('duplicate'),
});
await consumer.joined;
process.send?.('joined');
process.on('message', async (m) => {
  if (m === 'stop') {
    await consumer.stop();
    await pool.end();
    process.exit(0);
  }
});
