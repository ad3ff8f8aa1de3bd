/**
 * Opaque cursors for keyset pagination: the sort values of the last item of a page, as base64url
 * JSON, so a client can only hand back what a previous page gave it.
 */
import type { z } from 'zod';
import { InputError } from './errors.js';

/** Encodes a page position. */
export const encodeCursor = (position: unknown): string =>
  Buffer.from(JSON.stringify(position)).toString('base64url');

/** Decodes a cursor against the shape of its position, answering 400 when it was not made by this service. */
export function decodeCursor<S extends z.ZodType>(cursor: string, shape: S): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const result = shape.safeParse(value);
  if (!result.success) {
    throw new InputError('The cursor is invalid', [
      { field: 'cursor', rule: 'cursor', message: 'must be a nextCursor from a previous page', in: 'query' },
    ]);
  }
  return result.data;
}
