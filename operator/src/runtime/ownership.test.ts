import { describe, expect, it } from 'vitest';
import { controllerReference, ownerKeyOf, ownerNameLabel, ownerNamespaceLabel } from './ownership.js';
import type { ResourceKind } from './resource-kind.js';

const platform: ResourceKind = {
  group: 'platform.quire.dev',
  version: 'v1alpha1',
  kind: 'Platform',
  plural: 'platforms',
  namespaced: true,
};
const owner = { metadata: { name: 'prod', namespace: 'quire', uid: 'u-1' } };

describe('finding the owner of an owned object', () => {
  it('follows the controller ownerReference of the owner kind', () => {
    const object = {
      metadata: { name: 'x', namespace: 'quire', ownerReferences: [controllerReference(platform, owner)] },
    };
    expect(ownerKeyOf(object, platform)).toEqual({ namespace: 'quire', name: 'prod' });
  });

  it('ignores a controller of another kind or group, and falls back to the owner labels', () => {
    const object = {
      metadata: {
        name: 'x',
        namespace: 'apps',
        ownerReferences: [
          { apiVersion: 'other.dev/v1', kind: 'Platform', name: 'p', uid: 'u', controller: true },
        ],
        labels: { [ownerNameLabel]: 'prod', [ownerNamespaceLabel]: 'quire' },
      },
    };
    expect(ownerKeyOf(object, platform)).toEqual({ namespace: 'quire', name: 'prod' });
  });

  it('gives nothing for an object that belongs to no owner', () => {
    expect(ownerKeyOf({ metadata: { name: 'x', namespace: 'quire' } }, platform)).toBeUndefined();
  });
});
