/** Opaque cursors for keyset pagination over (created_at, id), exact to the microsecond. */
import { InputError } from '@quire/kit';

export interface Position {
  /** created_at as microseconds since the epoch, as text to keep every digit. */
  createdUs: string;
  id: string;
}

export const encodeCursor = (p: Position): string =>
  Buffer.from(`${p.createdUs}.${p.id}`).toString('base64url');

/** Decodes a cursor, answering 400 when it was not made by this service. */
export function decodeCursor(cursor: string): Position {
  const m = /^(\d{1,20})\.([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m?.[1] || !m[2]) {
    throw new InputError('The cursor is invalid', [
      { field: 'cursor', rule: 'cursor', message: 'must be a nextCursor from a previous page', in: 'query' },
    ]);
  }
  return { createdUs: m[1], id: m[2] };
}
