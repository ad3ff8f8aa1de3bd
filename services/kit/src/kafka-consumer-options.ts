/**
 * What a Kafka consumer of domain events is given and gives back: its options, the consumer handle,
 * and where each event came from (kafka-consumer.ts runs it).
 */
import type { ISocketFactory } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EventEnvelope } from './events.js';
import type { KafkaAccess } from './kafka-access.js';

/** Where an event came from. */
export interface EventOrigin {
  topic: string;
  partition: number;
  offset: string;
  key: string | undefined;
  /** The message's headers, as text. */
  headers: Record<string, string>;
  /** 1 for the first delivery attempt in this process, 2 for the first retry, ... */
  attempt: number;
}

export interface EventConsumer {
  /** Resolves once the consumer has joined its group and been assigned partitions. */
  readonly joined: Promise<void>;
  /** Whether the consumer is a member of its group now (false while KafkaJS reconnects after a crash). */
  readonly connected: boolean;
  stop(): Promise<void>;
}

export interface EventConsumerOptions {
  brokers: string[];
  /** TLS and the SASL login (the `access` of the kit's Kafka config), for the dead-letter producer too. */
  access?: KafkaAccess;
  clientId: string;
  groupId: string;
  topics: string[];
  logger: Logger;
  handle: (event: EventEnvelope, origin: EventOrigin) => Promise<void>;
  /** Read a topic from its start when the group has no committed offset (default: only new events). */
  fromBeginning?: boolean;
  /** Attempts per event before giving up on it (default 10). */
  maxAttempts?: number;
  /** Backoff before retry n is about initial·2^(n-1) ms, capped, with ±50% jitter (defaults 100 and 5000). */
  retryDelayMs?: { initial?: number; max?: number };
  /** Copy given-up messages to this topic with the error in headers (`quire.<service>.dead-letter`). */
  deadLetterTopic?: string;
  /** Also receives each given-up event (after the dead-letter topic, if any, took it). */
  deadLetter?: (event: EventEnvelope, origin: EventOrigin, err: unknown) => Promise<void>;
  /** Registry for lag and outcome metrics (the service's, so /metrics shows them). */
  registry?: Registry;
  /** Longest time handled events stay uncommitted within a batch (default 1000 ms). */
  commitIntervalMs?: number;
  /** Silence after which the broker gives a dead member's partitions to the others (default 30 s, at least 6 s). */
  sessionTimeoutMs?: number;
  /** Partitions handled in parallel by this member (default 1). */
  partitionsConsumedConcurrently?: number;
  socketFactory?: ISocketFactory;
}
