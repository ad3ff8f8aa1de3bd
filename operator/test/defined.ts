/**
 * The value a test knows must be there (the first of a list, a lookup by name), or a failure naming
 * what was missing: clearer than a TypeError three lines later, and no non-null assertion.
 */
export function defined<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`The test expected ${what}, and there is none`);
  return value;
}
