/**
 * How a service gets into Kafka beyond the broker addresses: TLS, and a SASL login. A managed Kafka
 * (MSK, Confluent Cloud, Aiven) wants both; the local stack's PLAINTEXT listener wants neither. The
 * operator renders them from spec.kafka.tls and spec.kafka.sasl (QUIRE_KAFKA_TLS, QUIRE_KAFKA_CA_FILE,
 * QUIRE_KAFKA_SASL_*), and every client the kit opens (publisher, consumer, dead-letter producer)
 * passes them to KafkaJS through `kafkaJsAccess`.
 */
import type { SASLOptions } from 'kafkajs';

export const kafkaSaslMechanisms = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type KafkaSaslMechanism = (typeof kafkaSaslMechanisms)[number];

export interface KafkaAccess {
  /** TLS to the brokers; `ca` (PEM) replaces the system CAs when set. Absent: plain TCP. */
  readonly tls?: { readonly ca?: string | undefined } | undefined;
  /** A SASL login, with the mechanism written as Kafka names it. Absent: no login. */
  readonly sasl?:
    | { readonly mechanism: KafkaSaslMechanism; readonly username: string; readonly password: string }
    | undefined;
}

const kafkaJsMechanism = {
  PLAIN: 'plain',
  'SCRAM-SHA-256': 'scram-sha-256',
  'SCRAM-SHA-512': 'scram-sha-512',
} as const;

/** The `ssl` and `sasl` options of a KafkaJS client for `access` (none for plain TCP without a login). */
export function kafkaJsAccess(access: KafkaAccess | undefined): {
  ssl?: true | { ca: string[] };
  sasl?: SASLOptions;
} {
  const out: { ssl?: true | { ca: string[] }; sasl?: SASLOptions } = {};
  if (access?.tls) out.ssl = access.tls.ca ? { ca: [access.tls.ca] } : true;
  if (access?.sasl) {
    const { mechanism, username, password } = access.sasl;
    out.sasl = { mechanism: kafkaJsMechanism[mechanism], username, password } as SASLOptions;
  }
  return out;
}

// Node's codes for a server certificate it does not trust, or that does not name the host.
const certificateCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A failed TLS handshake (with Node's error code) or a refused SASL login. */
export interface KafkaAccessProblem {
  readonly kind: 'tls' | 'sasl';
  readonly code: string | undefined;
}

/**
 * The TLS or SASL failure in a KafkaJS error's chain, if that is what it is. KafkaJS reports an
 * untrusted certificate as a KafkaJSConnectionError, the same as a broker that is down, and a refused
 * login as a KafkaJSSASLAuthenticationError; neither says which setting is wrong.
 */
export function kafkaAccessProblem(error: unknown): KafkaAccessProblem | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth += 1) {
    if (e.name === 'KafkaJSSASLAuthenticationError') return { kind: 'sasl', code: undefined };
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && certificateCodes.has(code)) return { kind: 'tls', code };
    e = (e as { originalError?: unknown }).originalError ?? e.cause;
  }
  return undefined;
}

/**
 * `error` with what to set added, when it is a TLS or SASL failure (the service's variables, which
 * the operator renders from spec.kafka.tls and spec.kafka.sasl); otherwise `error` itself.
 */
export function explainKafkaAccessError(error: unknown): unknown {
  const problem = kafkaAccessProblem(error);
  if (!problem) return error;
  const message = error instanceof Error ? error.message : String(error);
  let fix: string;
  if (problem.kind === 'sasl')
    fix =
      'Kafka refused the SASL login: check QUIRE_KAFKA_SASL_USERNAME and QUIRE_KAFKA_SASL_PASSWORD (the Secret spec.kafka.sasl points at) and that the brokers accept QUIRE_KAFKA_SASL_MECHANISM for that user';
  else if (problem.code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    fix =
      "the brokers' certificate does not name the address connected to: list the brokers in QUIRE_KAFKA_BROKERS (spec.kafka.bootstrapServers) by a name it holds";
  else
    fix =
      "the brokers' certificate is not trusted: set QUIRE_KAFKA_CA_FILE (spec.kafka.tls.ca) to the PEM of the CA that signed it";
  return new Error(`${message}; ${fix}`, { cause: error });
}
