/**
 * Starting a Kafka consumer without holding up the service. A service whose Kafka is not there yet
 * (the brokers restart, the network is late, the topics are not created yet) still serves its API
 * and ops port, as a controller waits for a dependency instead of crash-looping: restarting the pod
 * would not bring Kafka back. The start is tried again with capped, jittered exponential backoff,
 * one warning per failed attempt, until it succeeds or the service stops; from then on KafkaJS
 * rejoins the group by itself after an outage.
 */
import type { Logger } from 'pino';
import { type BackoffSchedule, backoffDelay } from './backoff.js';
import type { ReadinessCheck } from './health.js';
import type { EventConsumer } from './kafka-consumer.js';

export interface BackgroundConsumerOptions {
  /** Starts the consumer once (connects, subscribes, runs); rejects when it cannot. */
  start: () => Promise<EventConsumer>;
  /** The bootstrap brokers, named in the warnings. */
  brokers: string[];
  logger: Logger;
  /** The wait between attempts (default from 1 s, doubling up to 30 s, half of it random). */
  backoff?: BackoffSchedule;
}

export interface BackgroundConsumer {
  /** Resolves once the consumer first joined its group (never, if stopped before). */
  readonly joined: Promise<void>;
  /** Whether the consumer is connected and a member of its group now. */
  readonly connected: boolean;
  /** Passes while connected; otherwise rejects saying why, for /readyz. */
  readonly check: ReadinessCheck;
  /** Ends the retries at once, or stops the running consumer; a start in flight is stopped when it ends. */
  stop(): Promise<void>;
}

const defaultConsumerBackoff: BackoffSchedule = { initialMs: 1_000, maxMs: 30_000 };

/** Starts the consumer in the background, trying again until it starts or `stop` is called. */
export function startConsumerInBackground(options: BackgroundConsumerOptions): BackgroundConsumer {
  const { logger, brokers } = options;
  const schedule = options.backoff ?? defaultConsumerBackoff;
  let consumer: EventConsumer | undefined;
  let attempt: Promise<EventConsumer> | undefined;
  let lastError: string | undefined;
  let stopped = false;
  let wake: (() => void) | undefined;
  let markJoined: () => void = () => undefined;
  const joined = new Promise<void>((resolve) => {
    markJoined = resolve;
  });

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async () => {
    for (let failures = 0; !stopped; ) {
      const begun = Date.now();
      try {
        attempt = options.start();
        const started = await attempt;
        attempt = undefined;
        if (stopped) {
          await started.stop().catch(() => undefined);
          return;
        }
        consumer = started;
        lastError = undefined;
        if (failures > 0) logger.info({ brokers, attempts: failures + 1 }, 'Started the Kafka consumer');
        void started.joined.then(markJoined);
        return;
      } catch (err) {
        attempt = undefined;
        if (stopped) return;
        failures += 1;
        lastError = err instanceof Error ? err.message || err.name : String(err);
        const retryInMs = backoffDelay(failures, schedule);
        // One line per attempt, without the stack: the cause is always the same and already named.
        // An attempt lasts as long as KafkaJS's own quick retries (about 10 s by default): tookMs.
        logger.warn(
          { brokers, attempt: failures, tookMs: Date.now() - begun, retryInMs, err: { message: lastError } },
          'Failed to start the Kafka consumer; retrying',
        );
        await pause(retryInMs);
      }
    }
  })();

  return {
    joined,
    get connected() {
      return consumer?.connected ?? false;
    },
    check: async () => {
      if (consumer?.connected) return;
      const where = brokers.join(',');
      if (consumer) throw new Error(`not connected to ${where}: rejoining its group`);
      if (lastError) throw new Error(`not connected to ${where}: ${lastError}; retrying in the background`);
      throw new Error(`not connected to ${where} yet: connecting`);
    },
    async stop() {
      stopped = true;
      wake?.();
      // A start in flight may take KafkaJS's own retries to end: the loop sees `stopped` and stops
      // its consumer when it does, without holding up the shutdown for it.
      if (attempt) return;
      await loop;
      await consumer?.stop();
    },
  };
}
