/** The Notification service's configuration: the one place that reads its environment. */
import { baseEnv, jwtVerifyEnv, kafkaEnv, parseEnv, postgresEnv } from '@quire/kit';

/**
 * Notification's schema: the kit's parts it needs. It verifies access tokens because users manage
 * their notifications, webhooks and preferences through its API; the operator renders
 * QUIRE_AUTH_JWKS_URL for it, as the kit's catalogue requires.
 */
export const notificationServiceEnv = {
  base: baseEnv,
  postgres: postgresEnv,
  kafka: kafkaEnv,
  jwt: jwtVerifyEnv,
};

/** Reads and checks the environment once, failing with every problem listed. */
export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  parseEnv(notificationServiceEnv, env);
export type NotificationConfig = ReturnType<typeof loadConfig>;
