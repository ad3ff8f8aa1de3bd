/** The User service's configuration: the one place that reads its environment. */
import {
  baseEnv,
  envVar,
  type FixedWindow,
  jwtVerifyEnv,
  kafkaEnv,
  parseEnv,
  positiveIntSetting,
  postgresEnv,
  redisEnv,
} from '@quire/kit';
import { z } from 'zod';

/** User's own settings: how many email lookups one caller may make, and in what window. */
export interface UserSettings {
  /** The per-caller limit of GET /v1/users/lookup, counted by the caller's account (token subject). */
  lookup: FixedWindow;
}

// 30 a minute is far more than sharing needs by hand, and bounds guessing to 43,200 addresses a day
// per account.
const userEnv = z
  .object({
    [envVar.userLookupMaxPerCaller]: positiveIntSetting(30),
    [envVar.userLookupWindowSeconds]: positiveIntSetting(60),
  })
  .transform(
    (e): UserSettings => ({
      lookup: { max: e[envVar.userLookupMaxPerCaller], windowSeconds: e[envVar.userLookupWindowSeconds] },
    }),
  );

/** User's schema: the kit's parts it needs and its own settings. */
export const userServiceEnv = {
  base: baseEnv,
  postgres: postgresEnv,
  redis: redisEnv,
  kafka: kafkaEnv,
  jwt: jwtVerifyEnv,
  user: userEnv,
};

/** Reads and checks the environment once, failing with every problem listed. */
export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  parseEnv(userServiceEnv, env);
export type UserConfig = ReturnType<typeof loadConfig>;

/** User settings with every default, for tests that override a few. */
export const defaultUserSettings = (): UserSettings => userEnv.parse({});
