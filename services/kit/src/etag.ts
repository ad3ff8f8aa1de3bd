/** ETags of versioned resources (their version number) and `If-Match` preconditions, compared strongly (RFC 9110). */
import { InputError, PreconditionError } from './errors.js';

/** The strong ETag of a version. */
export const etagOf = (version: number): string => `"${version}"`;

/**
 * The version an `If-Match` header requires: a number, or `undefined` for `*` (any version).
 * Missing headers are 428; malformed ones 400; weak-only ones 412.
 */
export function requiredVersion(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') throw new PreconditionError(true);
  const tags = header.split(',').map((t) => t.trim());
  if (tags.includes('*')) return undefined;
  const strong = tags.filter((t) => !t.startsWith('W/'));
  if (strong.length === 0) throw new PreconditionError(false);
  const versions = strong.map((t) => /^"(\d{1,9})"$/.exec(t)?.[1]);
  if (versions.some((v) => v === undefined)) {
    throw new InputError('The If-Match header is malformed', [
      { field: 'if-match', rule: 'etag', message: 'must be an ETag such as "3"', in: 'header' },
    ]);
  }
  // A list of tags can only be satisfied by one current version; taking the first keeps it simple.
  return Number(versions[0]);
}
