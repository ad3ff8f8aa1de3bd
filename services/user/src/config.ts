/** The User service's configuration: the one place that reads its environment. */
import { baseEnv, jwtVerifyEnv, kafkaEnv, parseEnv, postgresEnv } from '@quire/kit';

/** User's schema: the kit's parts it needs. */
export const userServiceEnv = { base: baseEnv, postgres: postgresEnv, kafka: kafkaEnv, jwt: jwtVerifyEnv };

/** Reads and checks the environment once, failing with every problem listed. */
export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  parseEnv(userServiceEnv, env);
export type UserConfig = ReturnType<typeof loadConfig>;
