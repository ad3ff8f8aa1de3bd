import { describe, expect, it } from 'vitest';
import { ObjectCache } from './object-cache.js';
import type { KubeObject } from './resource-kind.js';

const cm = (name: string, rv: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', resourceVersion: rv, ...extra },
  data: { a: '1' },
});

describe('the object cache', () => {
  it('drops managedFields and freezes what it stores', () => {
    const cache = new ObjectCache();
    cache.upsert(cm('a', '1', { managedFields: [{ manager: 'kubectl' }] }));
    const stored = cache.get({ namespace: 'ns', name: 'a' }) as KubeObject;
    expect(stored.metadata.managedFields).toBeUndefined();
    expect(Object.isFrozen(stored.data)).toBe(true);
    expect(() => {
      (stored.data as Record<string, string>).a = '2';
    }).toThrow(TypeError);
  });

  it('reports what a relist added, changed and removed, skipping unchanged objects', () => {
    const cache = new ObjectCache();
    cache.replace([cm('a', '1'), cm('b', '1'), cm('c', '1')]);
    const result = cache.replace([cm('a', '1'), cm('b', '2'), cm('d', '1')]);
    expect(result.added.map((o) => o.metadata.name)).toEqual(['d']);
    expect(
      result.updated.map((u) => [u.old.metadata.resourceVersion, u.current.metadata.resourceVersion]),
    ).toEqual([['1', '2']]);
    expect(result.deleted.map((o) => o.metadata.name)).toEqual(['c']);
    expect(
      cache
        .list('ns')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['a', 'b', 'd']);
  });
});
