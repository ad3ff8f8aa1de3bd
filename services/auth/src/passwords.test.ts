import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './passwords.js';

describe('password hashing', () => {
  it('hashes with argon2id at the OWASP parameters and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'Correct horse battery staple')).toBe(false);
  });

  it('spends a full verification on an unknown account, and answers false', async () => {
    const hash = await hashPassword('warm-up so both timings include a loaded module');
    const t0 = performance.now();
    await verifyPassword(hash, 'x');
    const known = performance.now() - t0;
    const t1 = performance.now();
    expect(await verifyPassword(undefined, 'x')).toBe(false);
    const unknown = performance.now() - t1;
    expect(unknown).toBeGreaterThan(known / 3);
  });
});
