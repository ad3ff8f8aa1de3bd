/** Validating request input with zod at the edge, turning broken rules into a 400 with each field. */
import type { z } from 'zod';
import { type FieldError, InputError } from './errors.js';

/** The fields and rules broken in a zod error, one entry per field (unknown keys one each). */
export function fieldErrors(error: z.ZodError, location?: FieldError['in']): FieldError[] {
  const out: FieldError[] = [];
  const at = location === undefined ? {} : { in: location };
  for (const issue of error.issues) {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ field: [...base, key].join('.'), rule: 'unknown_field', message: 'Unknown field', ...at });
      }
      continue;
    }
    const rule = issue.code === 'invalid_format' ? `format:${issue.format}` : issue.code;
    out.push({ field: base.join('.') || '(root)', rule, message: issue.message, ...at });
  }
  return out;
}

/** Parses one part of a request (body, query, params), throwing an InputError naming every problem. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  part: NonNullable<FieldError['in']>,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InputError(`The request ${part} is invalid`, fieldErrors(result.error, part));
}
