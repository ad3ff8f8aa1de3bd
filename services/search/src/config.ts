/** The Search service's configuration: the one place that reads its environment. */
import { baseEnv, envVar, jwtVerifyEnv, kafkaEnv, parseEnv } from '@quire/kit';
import { z } from 'zod';

/** The search engine: its URL (credentials may be in it), which engine it is and the index prefix. */
const searchEnv = z
  .object({
    [envVar.searchUrl]: z.url({ protocol: /^https?$/ }),
    [envVar.searchKind]: z.enum(['elasticsearch', 'opensearch']).default('elasticsearch'),
    [envVar.searchIndexPrefix]: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,40}$/, 'must be lower-case letters, digits, - or _')
      .default('quire'),
  })
  .transform((e) => ({
    url: e[envVar.searchUrl],
    kind: e[envVar.searchKind],
    indexPrefix: e[envVar.searchIndexPrefix],
  }));
export type SearchConfig = z.output<typeof searchEnv>;

/** Search's schema: the kit's parts it needs and the engine. */
export const searchServiceEnv = { base: baseEnv, kafka: kafkaEnv, jwt: jwtVerifyEnv, search: searchEnv };

/** Reads and checks the environment once, failing with every problem listed. */
export const loadConfig = (env: Record<string, string | undefined> = process.env) =>
  parseEnv(searchServiceEnv, env);
