/** Helpers for the services' tests: a cuttable TCP proxy, a token issuer, test topics, silent loggers and unique names. */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { ConfigError } from '../config.js';
import { createLogger } from '../logger.js';

export { downloadFetch } from './download-fetch.js';
export { socketFactoryVia } from './kafka-route.js';
export { createTestTopics, produce, readTopic } from './kafka-topics.js';
export { TcpProxy } from './tcp-proxy.js';
export { startTestIssuer, type TestIssuer } from './token-issuer.js';

/** A logger for tests: silent unless QUIRE_TEST_LOG_LEVEL is set. */
export const testLogger = (service = 'test'): Logger =>
  createLogger({ service, level: process.env.QUIRE_TEST_LOG_LEVEL ?? 'silent' });

/** A name unique to this test run, usable as a schema name (`prefix_ab12cd34`). */
export const uniqueName = (prefix: string): string => `${prefix}_${randomBytes(4).toString('hex')}`;

/** The value of a required test setting, with the fix when it is missing. */
export function testSetting(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: start the local stack (make stack-up), which writes .run/env`);
  return value;
}

/** The problems a service's config loader names for `env`; fails the test when it accepts `env`. */
export function configProblems(
  load: (env: Record<string, string | undefined>) => unknown,
  env: Record<string, string>,
): readonly string[] {
  try {
    load(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('the configuration was accepted');
}
