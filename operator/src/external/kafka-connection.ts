/**
 * How the operator reaches Kafka: the Platform's bootstrap servers, TLS and SASL settings with their
 * secret values read, turned into the KafkaJS options every client the operator opens shares.
 */
import { type KafkaAccess, kafkaJsAccess } from '@quire/kit/kafka-access';
import { type ISocketFactory, logLevel } from 'kafkajs';
import type { PlatformSpec } from '../api/index.js';
import type { Logger } from '../runtime/logger.js';
import { resolveSecretKey, type SecretSource } from './secret-source.js';

/**
 * How to reach the brokers: addresses, and TLS and SASL as the services' kit takes them (`tls.ca`
 * replaces the system CAs when set; no `tls` means plain TCP), with secret values already read.
 */
export interface KafkaConnection extends KafkaAccess {
  readonly brokers: readonly string[];
  /** Opens broker connections; tests route them through a proxy they can cut. */
  readonly socketFactory?: ISocketFactory | undefined;
}

/** The connection `spec.kafka` describes; SecretMissingError when a referenced Secret is absent. */
export async function kafkaConnectionFor(
  kafka: PlatformSpec['kafka'],
  namespace: string,
  secrets: SecretSource,
): Promise<KafkaConnection> {
  const ca = kafka.tls.ca ? await resolveSecretKey(secrets, namespace, kafka.tls.ca) : undefined;
  const sasl = kafka.sasl
    ? {
        mechanism: kafka.sasl.mechanism,
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
    ...kafkaJsAccess(connection),
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

/**
 * What to set when TLS or the SASL login failed (KafkaAccessError's kind and code), naming the spec
 * fields and the Secrets they point at, for the TopicsReady message.
 */
export function kafkaAccessFix(
  kafka: PlatformSpec['kafka'],
  problem: { kind: 'tls' | 'sasl'; code: string | undefined },
): string {
  const ref = (r: { name: string; key: string }) => `Secret ${r.name}, key ${r.key}`;
  if (problem.kind === 'sasl') {
    if (!kafka.sasl) return 'the brokers ask for a SASL login: set spec.kafka.sasl';
    const { username, password, mechanism } = kafka.sasl;
    return `check the user name (${ref(username)}) and password (${ref(password)}) that spec.kafka.sasl.username and spec.kafka.sasl.password point at, and that the brokers accept spec.kafka.sasl.mechanism ${mechanism} for that user`;
  }
  if (problem.code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return "the brokers' certificate does not name the address connected to: list the brokers in spec.kafka.bootstrapServers by a name their certificate holds";
  if (problem.code === 'CERT_HAS_EXPIRED' || problem.code === 'CERT_NOT_YET_VALID')
    return "the brokers' certificate is outside its validity period: renew it on the brokers";
  return kafka.tls.ca
    ? `spec.kafka.tls.ca (${ref(kafka.tls.ca)}) must hold the PEM of the CA that signed the brokers' certificate`
    : "the system CAs do not trust the brokers' certificate: set spec.kafka.tls.ca to a Secret key holding the PEM of the CA that signed it";
}
