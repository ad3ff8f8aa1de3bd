import { describe, expect, it } from 'vitest';
import { canonicalJson, desiredHash, desiredHashAnnotation } from './desired-hash.js';

describe('the desired-state hash', () => {
  it('is the same whatever order the fields were built in', () => {
    const a = { metadata: { name: 'x', labels: { b: '2', a: '1' } }, data: { k: 'v', j: 'w' } };
    const b = { data: { j: 'w', k: 'v' }, metadata: { labels: { a: '1', b: '2' }, name: 'x' } };
    expect(desiredHash(a)).toBe(desiredHash(b));
  });

  it('changes with any value, including inside arrays', () => {
    const base = { metadata: { name: 'x' }, spec: { ports: [{ port: 80 }, { port: 443 }] } };
    const swapped = { metadata: { name: 'x' }, spec: { ports: [{ port: 443 }, { port: 80 }] } };
    const changed = { metadata: { name: 'x' }, spec: { ports: [{ port: 80 }, { port: 444 }] } };
    expect(desiredHash(base)).not.toBe(desiredHash(swapped));
    expect(desiredHash(base)).not.toBe(desiredHash(changed));
  });

  it('ignores its own annotation and undefined fields', () => {
    const plain = { metadata: { name: 'x' }, data: { a: '1' } };
    const annotated = {
      metadata: { name: 'x', annotations: { [desiredHashAnnotation]: 'old' } },
      data: { a: '1', b: undefined },
    };
    expect(desiredHash(annotated)).toBe(desiredHash(plain));
  });

  it('writes canonical JSON with sorted keys at every depth', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
  });
});
