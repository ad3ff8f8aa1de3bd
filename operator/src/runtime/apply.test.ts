import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ApiClient } from './api-client.js';
import { Applier } from './apply.js';
import { desiredHash, desiredHashAnnotation } from './desired-hash.js';
import { kinds, type ResourceKind } from './resource-kind.js';

const kubeConfig = new KubeConfig();
kubeConfig.loadFromOptions({
  clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }],
  users: [{ name: 'u' }],
  contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
  currentContext: 'x',
});
const applier = new Applier({ client: new ApiClient(kubeConfig), fieldManager: 'test' });
const platform: ResourceKind = {
  group: 'platform.quire.dev',
  version: 'v1alpha1',
  kind: 'Platform',
  plural: 'platforms',
  namespaced: true,
};
const cluster: ResourceKind = {
  group: 'platform.quire.dev',
  version: 'v1alpha1',
  kind: 'Fleet',
  plural: 'fleets',
  namespaced: false,
};
const owner = { kind: platform, object: { metadata: { name: 'prod', namespace: 'quire', uid: 'u-1' } } };

describe('preparing an object to apply', () => {
  it('adds kind, managed-by and owner labels, the controller reference and the hash of all that', () => {
    const prepared = applier.prepare(
      kinds.configMap,
      { metadata: { name: 'a', namespace: 'quire' }, data: { k: 'v' } },
      owner,
    );
    expect(prepared).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        labels: { 'app.kubernetes.io/managed-by': 'quire-operator', 'platform.quire.dev/platform': 'prod' },
        ownerReferences: [
          { kind: 'Platform', name: 'prod', uid: 'u-1', controller: true, blockOwnerDeletion: true },
        ],
      },
    });
    expect(prepared.metadata.annotations?.[desiredHashAnnotation]).toBe(desiredHash(prepared));
  });

  it('labels rather than references an owner in another namespace', () => {
    const prepared = applier.prepare(kinds.configMap, { metadata: { name: 'a', namespace: 'apps' } }, owner);
    expect(prepared.metadata.ownerReferences).toBeUndefined();
    expect(prepared.metadata.labels?.['platform.quire.dev/platform-namespace']).toBe('quire');
  });

  it('references a cluster-scoped owner from a namespaced object', () => {
    const fleet = { kind: cluster, object: { metadata: { name: 'all', uid: 'u-2' } } };
    const prepared = applier.prepare(kinds.configMap, { metadata: { name: 'a', namespace: 'apps' } }, fleet);
    expect(prepared.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Fleet', uid: 'u-2' });
  });

  it('does not change the desired object it was given', () => {
    const desired = { metadata: { name: 'a', namespace: 'quire' }, data: { k: 'v' } };
    const copy = structuredClone(desired);
    applier.prepare(kinds.configMap, desired, owner);
    expect(desired).toEqual(copy);
  });
});
