import { ConfigError } from '@quire/kit';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('the User service configuration', () => {
  it('needs the database, Kafka and the JWKS URL, and lists every one missing', () => {
    expect(() => loadConfig({ QUIRE_SERVICE_NAME: 'user' })).toThrow(ConfigError);
    try {
      loadConfig({ QUIRE_SERVICE_NAME: 'user' });
    } catch (err) {
      expect((err as ConfigError).problems).toEqual([
        'QUIRE_DATABASE_URL: is required',
        'QUIRE_KAFKA_BROKERS: is required',
        'QUIRE_AUTH_JWKS_URL: is required',
      ]);
    }
  });

  it('uses the users schema and the kit defaults', () => {
    const c = loadConfig({
      QUIRE_SERVICE_NAME: 'user',
      QUIRE_DATABASE_URL: 'postgresql://u:p@db:5432/quire',
      QUIRE_KAFKA_BROKERS: 'kafka-0:9092,kafka-1:9092',
      QUIRE_AUTH_JWKS_URL: 'https://auth:8080/.well-known/jwks.json',
    });
    expect(c.postgres.schema).toBe('users');
    expect(c.kafka.brokers).toEqual(['kafka-0:9092', 'kafka-1:9092']);
    expect(c.jwt).toEqual({
      jwksUrl: 'https://auth:8080/.well-known/jwks.json',
      issuer: 'quire-auth',
      audience: 'quire',
    });
  });
});
