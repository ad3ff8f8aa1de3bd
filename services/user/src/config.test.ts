import { configProblems } from '@quire/kit/testing';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const required = {
  QUIRE_SERVICE_NAME: 'user',
  QUIRE_DATABASE_URL: 'postgresql://u:p@db:5432/quire',
  QUIRE_REDIS_URL: 'redis://redis:6379/1',
  QUIRE_KAFKA_BROKERS: 'kafka-0:9092,kafka-1:9092',
  QUIRE_AUTH_JWKS_URL: 'https://auth:8080/.well-known/jwks.json',
};

const problemsOf = (env: Record<string, string>) => configProblems(loadConfig, env);

describe('the User service configuration', () => {
  it('needs the database, Redis, Kafka and the JWKS URL, and lists every one missing', () => {
    expect(problemsOf({ QUIRE_SERVICE_NAME: 'user' })).toEqual([
      'QUIRE_DATABASE_URL: is required',
      'QUIRE_REDIS_URL: is required',
      'QUIRE_KAFKA_BROKERS: is required',
      'QUIRE_AUTH_JWKS_URL: is required',
    ]);
  });

  it('uses the users schema and the kit defaults', () => {
    const c = loadConfig(required);
    expect(c.postgres.schema).toBe('users');
    expect(c.redis.url).toBe('redis://redis:6379/1');
    expect(c.kafka.brokers).toEqual(['kafka-0:9092', 'kafka-1:9092']);
    expect(c.jwt).toEqual({
      jwksUrl: 'https://auth:8080/.well-known/jwks.json',
      issuer: 'quire-auth',
      audience: 'quire',
    });
  });

  it('when the lookup limit is not set, it allows 30 email lookups per caller a minute', () => {
    expect(loadConfig(required).user.lookup).toEqual({ max: 30, windowSeconds: 60 });
  });

  it('when the lookup limit is set, it takes it, and refuses a limit that is not a whole number of at least 1', () => {
    const c = loadConfig({
      ...required,
      QUIRE_USER_LOOKUP_MAX_PER_CALLER: '5',
      QUIRE_USER_LOOKUP_WINDOW_SECONDS: '10',
    });
    expect(c.user.lookup).toEqual({ max: 5, windowSeconds: 10 });
    expect(
      problemsOf({
        ...required,
        QUIRE_USER_LOOKUP_MAX_PER_CALLER: '0',
        QUIRE_USER_LOOKUP_WINDOW_SECONDS: 'a minute',
      }),
    ).toEqual([
      'QUIRE_USER_LOOKUP_MAX_PER_CALLER: must be a whole number of at least 1',
      'QUIRE_USER_LOOKUP_WINDOW_SECONDS: must be a whole number of at least 1',
    ]);
  });
});
