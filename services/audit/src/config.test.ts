import { configProblems } from '@quire/kit/testing';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const required = {
  QUIRE_SERVICE_NAME: 'audit',
  QUIRE_DATABASE_URL: 'postgresql://u:p@db:5432/quire',
  QUIRE_KAFKA_BROKERS: 'kafka-0:9092',
  QUIRE_AUTH_JWKS_URL: 'https://auth:8080/.well-known/jwks.json',
};

const problemsOf = (env: Record<string, string>) => configProblems(loadConfig, env);

describe('the Audit service configuration', () => {
  it('when the checkpoint interval is not set, it checkpoints every 1,000 entries or 5 minutes on quire.audit.events', () => {
    expect(loadConfig(required).checkpoints).toEqual({
      everyEntries: 1_000,
      everyMs: 300_000,
      topic: 'quire.audit.events',
    });
  });

  it('when the checkpoint interval is set, it takes it, and refuses one that is not a whole number of at least 1', () => {
    const c = loadConfig({
      ...required,
      QUIRE_AUDIT_CHECKPOINT_EVERY_ENTRIES: '50',
      QUIRE_AUDIT_CHECKPOINT_EVERY_SECONDS: '10',
    });
    expect(c.checkpoints).toMatchObject({ everyEntries: 50, everyMs: 10_000 });
    expect(
      problemsOf({
        ...required,
        QUIRE_AUDIT_CHECKPOINT_EVERY_ENTRIES: '0',
        QUIRE_AUDIT_CHECKPOINT_EVERY_SECONDS: 'five minutes',
      }),
    ).toEqual([
      'QUIRE_AUDIT_CHECKPOINT_EVERY_ENTRIES: must be a whole number of at least 1',
      'QUIRE_AUDIT_CHECKPOINT_EVERY_SECONDS: must be a whole number of at least 1',
    ]);
  });
});
