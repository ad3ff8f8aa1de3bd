import { describe, expect, it } from 'vitest';
import { createCa } from './ca.js';
import { mergeBundle, pruneBundle, sameBundle } from './trust-bundle.js';

const now = new Date('2026-03-01T12:00:00Z');
const day = 24 * 3600_000;

describe('the trust bundle', () => {
  it('holds each root once, in the order first seen', async () => {
    const [a, b] = await Promise.all([
      createCa({ commonName: 'a', now }),
      createCa({ commonName: 'b', now }),
    ]);
    const merged = mergeBundle([a.cert], [b.cert, a.cert]);
    expect(merged.map((c) => c.subject)).toEqual(['CN=a', 'CN=b']);
    expect(sameBundle(merged, [b.cert, a.cert])).toBe(true);
  });

  it('keeps old roots during an overlap and drops them when it ends', async () => {
    const [old, current] = await Promise.all([
      createCa({ commonName: 'old', now }),
      createCa({ commonName: 'new', now }),
    ]);
    const bundle = [old.cert, current.cert];
    expect(pruneBundle(bundle, { keep: [current.cert], now, retireOthers: false })).toHaveLength(2);
    expect(pruneBundle(bundle, { keep: [current.cert], now, retireOthers: true })).toEqual([current.cert]);
  });

  it('drops an expired root even during an overlap', async () => {
    const expired = await createCa({ commonName: 'expired', now, lifetimeMs: day });
    const current = await createCa({ commonName: 'current', now });
    const later = new Date(now.getTime() + 2 * day);
    const pruned = pruneBundle([expired.cert, current.cert], {
      keep: [current.cert],
      now: later,
      retireOthers: false,
    });
    expect(pruned).toEqual([current.cert]);
  });
});
