import type { z } from 'zod';
import { type Platform, platformSchema } from './platform-schema.js';

/** One thing wrong with a Platform, at a path written as `kubectl explain` would (`spec.kafka.topics[0].name`). */
export interface PlatformProblem {
  readonly path: string;
  readonly message: string;
}

export type ParseResult =
  | { readonly ok: true; readonly platform: Platform }
  | { readonly ok: false; readonly problems: readonly PlatformProblem[] };

/** Writes a zod issue path the way Kubernetes writes field paths. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(part))
      out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out === '' ? '<root>' : out;
}

function problemsOf(error: z.ZodError): PlatformProblem[] {
  return error.issues.map((issue) => ({ path: fieldPath(issue.path), message: issue.message }));
}

/**
 * Checks an object against the Platform schema and fills in every default, as the API server does at
 * admission; on failure it lists every problem with its field path. Transition rules (partitions that
 * shrink, immutable fields that change) need the stored object and are left to the API server.
 */
export function parsePlatform(obj: unknown): ParseResult {
  const result = platformSchema.safeParse(obj);
  return result.success
    ? { ok: true, platform: result.data }
    : { ok: false, problems: problemsOf(result.error) };
}

/** The problems as one message, one line each, for logs and status conditions. */
export function describeProblems(problems: readonly PlatformProblem[]): string {
  return problems.map((p) => `${p.path}: ${p.message}`).join('\n');
}
