import { describe, expect, it } from 'vitest';
import { explainKafkaAccessError, kafkaAccessProblem, kafkaJsAccess } from './kafka-access.js';

// Shaped as KafkaJS throws them: a connection error carrying Node's TLS code, a SASL error by name.
const connectionError = (code: string) =>
  Object.assign(new Error('Connection error: unable to verify the first certificate'), {
    name: 'KafkaJSConnectionError',
    code,
  });
const saslError = () =>
  Object.assign(new Error('SASL SCRAM SHA512 authentication failed'), {
    name: 'KafkaJSSASLAuthenticationError',
  });

describe('Kafka access for KafkaJS', () => {
  it('turns TLS with a CA into ssl.ca, TLS without one into ssl: true, and the mechanism into KafkaJS’s name', () => {
    expect(kafkaJsAccess(undefined)).toEqual({});
    expect(kafkaJsAccess({ tls: {} })).toEqual({ ssl: true });
    expect(
      kafkaJsAccess({
        tls: { ca: 'PEM' },
        sasl: { mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' },
      }),
    ).toEqual({ ssl: { ca: ['PEM'] }, sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' } });
  });

  it('tells an untrusted certificate and a refused login from a broker that is away', () => {
    expect(kafkaAccessProblem(connectionError('UNABLE_TO_VERIFY_LEAF_SIGNATURE'))).toEqual({
      kind: 'tls',
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });
    expect(kafkaAccessProblem(saslError())).toEqual({ kind: 'sasl', code: undefined });
    expect(kafkaAccessProblem(connectionError('ECONNREFUSED'))).toBeUndefined();
  });

  it('adds the variable to set to a TLS or SASL failure, and leaves any other error as it was', () => {
    expect(String(explainKafkaAccessError(connectionError('SELF_SIGNED_CERT_IN_CHAIN')))).toMatch(
      /unable to verify the first certificate; .*set QUIRE_KAFKA_CA_FILE \(spec\.kafka\.tls\.ca\)/,
    );
    expect(String(explainKafkaAccessError(connectionError('ERR_TLS_CERT_ALTNAME_INVALID')))).toContain(
      'QUIRE_KAFKA_BROKERS',
    );
    expect(String(explainKafkaAccessError(saslError()))).toContain(
      'check QUIRE_KAFKA_SASL_USERNAME and QUIRE_KAFKA_SASL_PASSWORD',
    );
    const other = connectionError('ECONNREFUSED');
    expect(explainKafkaAccessError(other)).toBe(other);
  });
});
