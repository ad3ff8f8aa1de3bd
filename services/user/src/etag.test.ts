import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';
import { etagOf, requiredVersion } from './etag.js';

describe('If-Match preconditions', () => {
  it('reads the version of a strong ETag, and any version for *', () => {
    expect(requiredVersion(etagOf(3))).toBe(3);
    expect(requiredVersion('"7", "8"')).toBe(7);
    expect(requiredVersion('*')).toBeUndefined();
  });

  it('answers 428 when missing, 412 for weak tags only, 400 when malformed', () => {
    expect(() => requiredVersion(undefined)).toThrow(
      expect.objectContaining({ kind: 'precondition-required' }),
    );
    expect(() => requiredVersion('W/"3"')).toThrow(expect.objectContaining({ kind: 'precondition-failed' }));
    expect(() => requiredVersion('three')).toThrow(expect.objectContaining({ kind: 'input' }));
  });
});

describe('list cursors', () => {
  it('round-trip a position exactly, and refuse anything this service did not make', () => {
    const p = { createdUs: '1764170000123456', id: '3f1c2a4e-8d7b-4c7e-9a51-0b6d2e4f8a19' };
    expect(decodeCursor(encodeCursor(p))).toEqual(p);
    expect(() => decodeCursor('garbage')).toThrow(expect.objectContaining({ kind: 'input' }));
  });
});
