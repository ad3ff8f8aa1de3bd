import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseEnv, ConfigError, jwtVerifyEnv, kafkaEnv, parseEnv, postgresEnv, redisEnv } from './config.js';
import { serviceNames } from './service-catalogue.js';
import { envVariablesFor } from './service-env.js';

describe('parsing a service environment', () => {
  it('fills every default when only the required variables are set', () => {
    const config = parseEnv(
      { base: baseEnv, postgres: postgresEnv },
      { QUIRE_SERVICE_NAME: 'user', QUIRE_DATABASE_URL: 'postgres://u:p@db:5432/quire' },
    );
    expect(config.base).toMatchObject({
      serviceName: 'user',
      httpPort: 8080,
      opsPort: 9090,
      tls: { mode: 'mtls', dir: '/var/run/quire/tls' },
      traceSampleRatio: 0.1,
      environment: 'production',
    });
    expect(config.postgres).toMatchObject({ schema: 'users', poolSize: 10, migrateOnStart: false });
  });

  it('fails once, naming every wrong or missing variable and never echoing a value', () => {
    let error: unknown;
    try {
      parseEnv(
        { base: baseEnv, postgres: postgresEnv, redis: redisEnv, kafka: kafkaEnv },
        {
          QUIRE_SERVICE_NAME: 'nope',
          QUIRE_HTTP_PORT: 'eighty',
          QUIRE_TRACE_SAMPLE_RATIO: '2',
          QUIRE_DATABASE_URL: 'mysql://secret-password@x/y',
          QUIRE_KAFKA_BROKERS: 'broker-without-port',
        },
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'QUIRE_SERVICE_NAME',
      'QUIRE_HTTP_PORT',
      'QUIRE_TRACE_SAMPLE_RATIO',
      'QUIRE_DATABASE_URL',
      'QUIRE_REDIS_URL: is required',
      'QUIRE_KAFKA_BROKERS',
    ]) {
      expect(problems).toContain(name);
    }
    expect((error as Error).message).not.toContain('secret-password');
  });

  it("checks the JWKS server by Auth's SPIFFE ID when one is given, and names a malformed one", () => {
    const jwksUrl = 'https://127.0.0.1:14010/.well-known/jwks.json';
    const auth = 'spiffe://quire.local/ns/quire/sa/quire-auth';
    expect(parseEnv({ jwt: jwtVerifyEnv }, { QUIRE_AUTH_JWKS_URL: jwksUrl }).jwt).not.toHaveProperty(
      'serverId',
    );
    expect(
      parseEnv({ jwt: jwtVerifyEnv }, { QUIRE_AUTH_JWKS_URL: jwksUrl, QUIRE_AUTH_SPIFFE_ID: auth }).jwt,
    ).toEqual({ jwksUrl, serverId: auth, issuer: 'quire-auth', audience: 'quire' });
    expect(() =>
      parseEnv({ jwt: jwtVerifyEnv }, { QUIRE_AUTH_JWKS_URL: jwksUrl, QUIRE_AUTH_SPIFFE_ID: 'quire-auth' }),
    ).toThrow(/QUIRE_AUTH_SPIFFE_ID: must be a SPIFFE ID/);
  });

  it('tells the operator which variables each service needs, from the catalogue', () => {
    expect(envVariablesFor('auth').required).toEqual([
      'QUIRE_SERVICE_NAME',
      'QUIRE_DATABASE_URL',
      'QUIRE_REDIS_URL',
      'QUIRE_KAFKA_BROKERS',
    ]);
    expect(envVariablesFor('user').required).toContain('QUIRE_AUTH_JWKS_URL');
    // User counts email lookups per caller in Redis; the limit has defaults the operator need not set.
    expect(envVariablesFor('user').required).toContain('QUIRE_REDIS_URL');
    expect(envVariablesFor('user').optional).toEqual(
      expect.arrayContaining(['QUIRE_USER_LOOKUP_MAX_PER_CALLER', 'QUIRE_USER_LOOKUP_WINDOW_SECONDS']),
    );
    expect(envVariablesFor('export').required).not.toContain('QUIRE_AUTH_JWKS_URL');
  });

  it('offers auth the trusted proxy and the first admin as optional settings, so builders need not set them', () => {
    expect(envVariablesFor('auth').optional).toEqual(
      expect.arrayContaining(['QUIRE_TRUSTED_PROXY_IDS', 'QUIRE_AUTH_BOOTSTRAP_ADMIN_EMAIL']),
    );
    expect(envVariablesFor('user').optional).not.toContain('QUIRE_AUTH_BOOTSTRAP_ADMIN_EMAIL');
  });

  it('has every service with a user API verify access tokens, internal ones included, and auth and export not', () => {
    const verifying = serviceNames.filter((s) => envVariablesFor(s).required.includes('QUIRE_AUTH_JWKS_URL'));
    expect(verifying).toEqual(['user', 'document', 'notification', 'search', 'audit']);
    for (const service of ['notification', 'audit'] as const) {
      expect(envVariablesFor(service).optional).toEqual(
        expect.arrayContaining(['QUIRE_AUTH_ISSUER', 'QUIRE_AUTH_AUDIENCE']),
      );
    }
  });

  it('reads Kafka TLS with the CA file, and a SASL login, when the operator sets them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-kafka-'));
    try {
      writeFileSync(join(dir, 'ca.crt'), 'PEM');
      const { kafka } = parseEnv(
        { kafka: kafkaEnv },
        {
          QUIRE_KAFKA_BROKERS: 'k0:9093,k1:9093',
          QUIRE_KAFKA_TLS: 'true',
          QUIRE_KAFKA_CA_FILE: join(dir, 'ca.crt'),
          QUIRE_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
          QUIRE_KAFKA_SASL_USERNAME: 'quire',
          QUIRE_KAFKA_SASL_PASSWORD: 'secret',
        },
      );
      expect(kafka).toEqual({
        brokers: ['k0:9093', 'k1:9093'],
        access: {
          tls: { ca: 'PEM' },
          sasl: { mechanism: 'SCRAM-SHA-512', username: 'quire', password: 'secret' },
        },
      });
      expect(parseEnv({ kafka: kafkaEnv }, { QUIRE_KAFKA_BROKERS: 'k0:9092' }).kafka.access).toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the Kafka variables to set when TLS or the SASL login is half configured, never echoing the password', () => {
    let error: unknown;
    try {
      parseEnv(
        { kafka: kafkaEnv },
        {
          QUIRE_KAFKA_BROKERS: 'k0:9093',
          QUIRE_KAFKA_CA_FILE: '/nowhere/ca.crt',
          QUIRE_KAFKA_SASL_PASSWORD: 'hunter2',
        },
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toEqual([
      'QUIRE_KAFKA_CA_FILE: names a CA but QUIRE_KAFKA_TLS is not true: set QUIRE_KAFKA_TLS=true to connect over TLS',
      'QUIRE_KAFKA_SASL_MECHANISM: is required with QUIRE_KAFKA_SASL_USERNAME and QUIRE_KAFKA_SASL_PASSWORD: one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512',
    ]);
    expect(message).not.toContain('hunter2');
    expect(() =>
      parseEnv(
        { kafka: kafkaEnv },
        { QUIRE_KAFKA_BROKERS: 'k0:9093', QUIRE_KAFKA_TLS: 'true', QUIRE_KAFKA_CA_FILE: '/nowhere/ca.crt' },
      ),
    ).toThrow(/QUIRE_KAFKA_CA_FILE: cannot be read \(ENOENT.*\): mount the CA's PEM bundle there/);
  });
});
