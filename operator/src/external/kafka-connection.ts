/**
 * How the operator reaches Kafka: the Platform's bootstrap servers, TLS and SASL settings with their
 * secret values read, turned into the KafkaJS options every client the operator opens shares.
 */
import { type ISocketFactory, logLevel, type SASLOptions } from 'kafkajs';
import type { PlatformSpec } from '../api/index.js';
import type { Logger } from '../runtime/logger.js';
import { resolveSecretKey, type SecretSource } from './secret-source.js';

/** How to reach the brokers: addresses, TLS and SASL, with secret values already read. */
export interface KafkaConnection {
  readonly brokers: readonly string[];
  /** TLS to the brokers; `ca` replaces the system CAs when set. Undefined means plain TCP. */
  readonly tls?: { readonly ca?: string | undefined } | undefined;
  readonly sasl?:
    | {
        readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
        readonly username: string;
        readonly password: string;
      }
    | undefined;
  /** Opens broker connections; tests route them through a proxy they can cut. */
  readonly socketFactory?: ISocketFactory | undefined;
}

const mechanisms = {
  PLAIN: 'plain',
  'SCRAM-SHA-256': 'scram-sha-256',
  'SCRAM-SHA-512': 'scram-sha-512',
} as const;

/** The connection `spec.kafka` describes; SecretMissingError when a referenced Secret is absent. */
export async function kafkaConnectionFor(
  kafka: PlatformSpec['kafka'],
  namespace: string,
  secrets: SecretSource,
): Promise<KafkaConnection> {
  const ca = kafka.tls.ca ? await resolveSecretKey(secrets, namespace, kafka.tls.ca) : undefined;
  const sasl = kafka.sasl
    ? {
        mechanism: mechanisms[kafka.sasl.mechanism],
        username: await resolveSecretKey(secrets, namespace, kafka.sasl.username),
        password: await resolveSecretKey(secrets, namespace, kafka.sasl.password),
      }
    : undefined;
  return { brokers: kafka.bootstrapServers, tls: kafka.tls.enabled ? { ca } : undefined, sasl };
}

/** KafkaJS's options for a connection, shared by the admin client and the config writer. */
export function kafkaClientOptions(connection: KafkaConnection, log: Logger) {
  return {
    clientId: 'quire-operator',
    brokers: [...connection.brokers],
    ...(connection.tls ? { ssl: connection.tls.ca ? { ca: [connection.tls.ca] } : true } : {}),
    ...(connection.sasl ? { sasl: { ...connection.sasl } as SASLOptions } : {}),
    ...(connection.socketFactory ? { socketFactory: connection.socketFactory } : {}),
    connectionTimeout: 3_000,
    requestTimeout: 15_000,
    retry: { retries: 2, initialRetryTime: 300, maxRetryTime: 2_000 },
    // KafkaJS logs every failed connection as an error; the phase reports them once, in a condition.
    logLevel: logLevel.ERROR,
    logCreator:
      () =>
      ({ log: entry }: { log: { message: string } }) =>
        log.debug({ kafkajs: entry.message }, 'KafkaJS reported a problem'),
  };
}
