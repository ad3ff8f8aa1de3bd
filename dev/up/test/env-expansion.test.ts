import { describe, expect, it } from 'vitest';
import { expandReferences } from '../env-expansion.js';

describe('the kubelet-style $(VAR) expansion of a pod environment', () => {
  it('composes a database URL from the variables the Secrets defined before it', () => {
    const defined = { QUIRE_DATABASE_USER: 'quire_auth', QUIRE_DATABASE_PASSWORD: 's3cret' };
    expect(
      expandReferences(
        'postgres://$(QUIRE_DATABASE_USER):$(QUIRE_DATABASE_PASSWORD)@127.0.0.1:15432/quire',
        defined,
      ),
    ).toBe('postgres://quire_auth:s3cret@127.0.0.1:15432/quire');
  });

  it('leaves a reference to an undefined variable as written, and turns $$ into one $', () => {
    expect(expandReferences('$(MISSING)/x', {})).toBe('$(MISSING)/x');
    expect(expandReferences('cost: $$(A) and $$5', { A: 'no' })).toBe('cost: $(A) and $5');
  });
});
