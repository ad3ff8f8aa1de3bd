import { describe, expect, it } from 'vitest';
import { changedFields, diffRendered, withoutServerFields, yamlPatch } from './object-diff.js';

const deployment = (name: string, replicas: number, image = 'auth:1') => ({
  kind: 'Deployment',
  object: {
    metadata: { name, namespace: 'prod' },
    spec: {
      replicas,
      template: {
        spec: {
          containers: [
            { name: 'app', image },
            { name: 'sidecar', image: 'x' },
          ],
        },
      },
    },
  },
});

describe('comparing objects for quire diff', () => {
  it('names each changed leaf, keys lists of named items by name, and treats a new subtree as one change', () => {
    const before = {
      spec: {
        replicas: 2,
        containers: [
          { name: 'a', image: '1' },
          { name: 'b', image: '1' },
        ],
      },
    };
    const after = {
      spec: {
        replicas: 3,
        containers: [
          { name: 'b', image: '1' },
          { name: 'a', image: '2' },
        ],
        paused: true,
      },
    };
    expect(changedFields(before, after)).toEqual([
      { path: 'spec.replicas', before: 2, after: 3 },
      { path: 'spec.containers[a].image', before: '1', after: '2' },
      { path: 'spec.paused', before: undefined, after: true },
    ]);
    expect(changedFields({ a: [1, 2] }, { a: [1, 2, 3] })).toEqual([
      { path: 'a', before: [1, 2], after: [1, 2, 3] },
    ]);
  });

  it('sorts the operator’s objects into created, changed (with fields) and removed, and leaves out the unchanged', () => {
    const changes = diffRendered(
      [deployment('quire-auth', 3), deployment('quire-user', 2), deployment('quire-old', 1)],
      [deployment('quire-auth', 3), deployment('quire-user', 2, 'user:2'), deployment('quire-new', 1)],
    );
    expect(changes.map(({ action, name, fields }) => ({ action, name, fields }))).toEqual([
      { action: 'change', name: 'quire-user', fields: ['spec.template.spec.containers[app].image'] },
      { action: 'create', name: 'quire-new', fields: [] },
      { action: 'remove', name: 'quire-old', fields: [] },
    ]);
    expect(changes[0]?.patch).toContain('-        - image: auth:1');
    expect(changes[0]?.patch).toContain('+        - image: user:2');
  });

  it('ignores what the API server writes about an object, and prints no patch for equal objects', () => {
    const live = {
      metadata: {
        name: 'q',
        generation: 3,
        resourceVersion: '9',
        uid: 'u',
        managedFields: [{}],
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      },
      spec: { a: 1 },
      status: { ready: true },
    };
    expect(withoutServerFields(live)).toEqual({ metadata: { name: 'q' }, spec: { a: 1 } });
    expect(yamlPatch({ a: 1 }, { a: 1 }, 'x')).toBe('');
  });
});
