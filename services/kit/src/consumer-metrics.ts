/**
 * Prometheus metrics of a Kafka consumer: whether it is connected and in its group, how far behind
 * each partition is (lag), what became of each event and how long handling took. They go into the
 * service's registry, so /metrics shows them.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ConsumerMetrics {
  /** Records whether the consumer is connected and a member of its group (1) or not (0). */
  connected(value: boolean): void;
  /** Records the lag of a partition: messages after `offset` up to the high watermark. */
  lag(topic: string, partition: number, highWatermark: string, offset: string): void;
  /** Counts an outcome: handled, failed_attempt (to be retried) or dead_lettered. */
  outcome(topic: string, outcome: 'handled' | 'failed_attempt' | 'dead_lettered'): void;
  /** Observes the time one event took, retries included. */
  duration(topic: string, seconds: number): void;
}

/** A metric of the registry, created once: two consumers of one service share it by label. */
function once<M>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

/** Creates (or reuses) the consumer metrics in `registry`, labelled with the consumer group. */
export function createConsumerMetrics(registry: Registry, group: string): ConsumerMetrics {
  const connected = once(
    registry,
    'kafka_consumer_connected',
    () =>
      new Gauge({
        name: 'kafka_consumer_connected',
        help: 'Whether the consumer is connected to Kafka and a member of its group (1) or still trying (0)',
        labelNames: ['group'],
        registers: [registry],
      }),
  );
  const lag = once(
    registry,
    'kafka_consumer_lag',
    () =>
      new Gauge({
        name: 'kafka_consumer_lag',
        help: 'Messages of a partition not yet handled by the group: high watermark minus next offset',
        labelNames: ['group', 'topic', 'partition'],
        registers: [registry],
      }),
  );
  const events = once(
    registry,
    'kafka_consumer_events_total',
    () =>
      new Counter({
        name: 'kafka_consumer_events_total',
        help: 'Events consumed, by outcome: handled, failed_attempt (retried) or dead_lettered',
        labelNames: ['group', 'topic', 'outcome'],
        registers: [registry],
      }),
  );
  const seconds = once(
    registry,
    'kafka_consumer_event_duration_seconds',
    () =>
      new Histogram({
        name: 'kafka_consumer_event_duration_seconds',
        help: 'Time from the start of handling an event to its commit or dead letter, retries included',
        labelNames: ['group', 'topic'],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
        registers: [registry],
      }),
  );
  return {
    connected(value) {
      connected.set({ group }, value ? 1 : 0);
    },
    lag(topic, partition, highWatermark, offset) {
      const behind = Number(BigInt(highWatermark) - BigInt(offset) - 1n);
      lag.set({ group, topic, partition: String(partition) }, Math.max(0, behind));
    },
    outcome(topic, outcome) {
      events.inc({ group, topic, outcome });
    },
    duration(topic, s) {
      seconds.observe({ group, topic }, s);
    },
  };
}
