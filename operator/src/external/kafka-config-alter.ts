/**
 * IncrementalAlterConfigs (KIP-339, Kafka 2.3+) for topics, which KafkaJS 2.2.4 does not offer: its
 * admin only has the older AlterConfigs, which replaces a topic's whole dynamic configuration, so
 * setting one key would reset every override another tool made and race with it. The incremental
 * form sets and deletes exactly the keys named. It is sent over KafkaJS's own cluster and broker
 * connection code (same TLS, SASL, socket factory and timeouts as the admin client), so the only
 * part written here is the request's encoding, which is version 0 of the protocol's schema.
 */
import { createRequire } from 'node:module';
import type { Logger } from '../runtime/logger.js';
import { type KafkaConnection, kafkaClientOptions } from './kafka-connection.js';

/** One change to a topic's configuration: set a key to a value, or delete the override (back to the default). */
export type ConfigChange =
  | { readonly op: 'set'; readonly name: string; readonly value: string }
  | { readonly op: 'delete'; readonly name: string };

// KafkaJS internals, pinned by the exact kafkajs version in package.json.
interface Encoder {
  writeInt8(value: number): Encoder;
  writeString(value: string | null): Encoder;
  writeBoolean(value: boolean): Encoder;
  writeArray(values: Encoder[]): Encoder;
}
interface Decoder {
  readInt8(): number;
  readInt16(): number;
  readInt32(): number;
  readString(): string | null;
  readArray<T>(read: (decoder: Decoder) => T): T[];
}
interface ProtocolRequest {
  request: { apiKey: number; apiVersion: number; apiName: string; encode(): Promise<Encoder> };
  response: { decode(data: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown> };
}
interface Broker {
  versions: Record<number, { minVersion: number; maxVersion: number }> | null;
  connectionPool: { send(request: ProtocolRequest): Promise<unknown> };
}
interface Cluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  findControllerBroker(): Promise<Broker>;
}

const require = createRequire(import.meta.url);
const ClusterClass = require('kafkajs/src/cluster') as new (options: object) => Cluster;
const EncoderClass = require('kafkajs/src/protocol/encoder') as new () => Encoder;
const DecoderClass = require('kafkajs/src/protocol/decoder') as new (data: Buffer) => Decoder;
const { createLogger } = require('kafkajs/src/loggers') as { createLogger(options: object): unknown };
const { createErrorFromCode } = require('kafkajs/src/protocol/error') as {
  createErrorFromCode(code: number): Error;
};
const defaultSocketFactory = require('kafkajs/src/network/socketFactory') as () => unknown;

const incrementalAlterConfigsKey = 44;
const topicResource = 2;
const operations = { set: 0, delete: 1 } as const;

interface ResourceResult {
  errorCode: number;
  errorMessage: string | null;
  resourceName: string;
}

function incrementalAlterConfigs(changes: ReadonlyMap<string, readonly ConfigChange[]>): ProtocolRequest {
  const resource = ([topic, list]: [string, readonly ConfigChange[]]) =>
    new EncoderClass()
      .writeInt8(topicResource)
      .writeString(topic)
      .writeArray(
        list.map((c) =>
          new EncoderClass()
            .writeString(c.name)
            .writeInt8(operations[c.op])
            .writeString(c.op === 'set' ? c.value : null),
        ),
      );
  return {
    request: {
      apiKey: incrementalAlterConfigsKey,
      apiVersion: 0,
      apiName: 'IncrementalAlterConfigs',
      encode: async () => new EncoderClass().writeArray([...changes].map(resource)).writeBoolean(false),
    },
    response: {
      // Same layout as AlterConfigs v0: throttle time, then one result per resource.
      decode: async (data: Buffer) => {
        const decoder = new DecoderClass(data);
        decoder.readInt32();
        return decoder.readArray<ResourceResult>((d) => {
          const errorCode = d.readInt16();
          const errorMessage = d.readString();
          d.readInt8();
          return { errorCode, errorMessage, resourceName: d.readString() ?? '' };
        });
      },
      parse: async (results: unknown) => results,
    },
  };
}

/** Applies the changes to one topic's configuration in one request; Kafka applies all or none. */
export async function alterTopicConfig(
  connection: KafkaConnection,
  log: Logger,
  topic: string,
  changes: readonly ConfigChange[],
): Promise<void> {
  if (changes.length === 0) return;
  const options = kafkaClientOptions(connection, log);
  const cluster = new ClusterClass({
    ...options,
    socketFactory: options.socketFactory ?? defaultSocketFactory(),
    logger: createLogger({ level: options.logLevel, logCreator: options.logCreator }),
    enforceRequestTimeout: true,
    allowAutoTopicCreation: false,
  });
  try {
    await cluster.connect();
    await cluster.refreshMetadata();
    const broker = await cluster.findControllerBroker();
    if (broker.versions && !broker.versions[incrementalAlterConfigsKey]) {
      throw new Error('the brokers do not support IncrementalAlterConfigs (Kafka 2.3 or later is needed)');
    }
    const results = (await broker.connectionPool.send(
      incrementalAlterConfigs(new Map([[topic, changes]])),
    )) as ResourceResult[];
    const failed = results.find((r) => r.errorCode !== 0);
    if (failed) {
      const error = createErrorFromCode(failed.errorCode);
      if (failed.errorMessage) error.message = `${error.message}: ${failed.errorMessage}`;
      throw error;
    }
  } finally {
    await cluster.disconnect().catch(() => undefined);
  }
}
