import { describe, expect, it } from 'vitest';
import { handoffPatch, needsHandoff, ownersOf } from './field-handoff.js';
import type { KubeObject } from './resource-kind.js';

const path = ['spec', 'replicas'];
const replicasFields = { 'f:spec': { 'f:replicas': {} } };
const templateFields = { 'f:spec': { 'f:template': {} } };
const deployment = (spec: Record<string, unknown>, managedFields?: unknown[]): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'quire-document', namespace: 'quire', ...(managedFields ? { managedFields } : {}) },
  spec,
});
const applied = (manager: string, fieldsV1: object) => ({ manager, operation: 'Apply', fieldsV1 });

describe('handing a field over before an apply drops it', () => {
  it('when the operator alone owns replicas and the desired object leaves them out, hands them over', () => {
    const live = deployment({ replicas: 4 }, [applied('quire-operator', replicasFields)]);
    expect(needsHandoff(deployment({}), live, path, 'quire-operator')).toBe(true);
  });

  it('when the desired object still declares replicas, hands nothing over', () => {
    const live = deployment({ replicas: 4 }, [applied('quire-operator', replicasFields)]);
    expect(needsHandoff(deployment({ replicas: 3 }), live, path, 'quire-operator')).toBe(false);
  });

  it('when the autoscaler already set replicas through the scale subresource, hands nothing over', () => {
    const live = deployment({ replicas: 5 }, [
      applied('quire-operator', templateFields),
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        subresource: 'scale',
        fieldsV1: replicasFields,
      },
    ]);
    expect(needsHandoff(deployment({}), live, path, 'quire-operator')).toBe(false);
  });

  it('when another manager shares replicas with the operator, hands nothing over, since they stay anyway', () => {
    const live = deployment({ replicas: 4 }, [
      applied('quire-operator', replicasFields),
      applied('quire-operator-autoscaling-handoff', replicasFields),
    ]);
    expect(needsHandoff(deployment({}), live, path, 'quire-operator')).toBe(false);
  });

  it('when the live object has no replicas or no managedFields, hands nothing over', () => {
    expect(needsHandoff(deployment({}), deployment({}, []), path, 'quire-operator')).toBe(false);
    expect(needsHandoff(deployment({}), deployment({ replicas: 4 }), path, 'quire-operator')).toBe(false);
  });

  it('reads the owners of a field from managedFields, ignoring entries that are not entries', () => {
    expect(
      ownersOf([applied('a', replicasFields), applied('b', templateFields), { manager: 'c' }], path),
    ).toEqual([{ manager: 'a', operation: 'Apply', subresource: '' }]);
    expect(ownersOf(['not an entry'], path)).toEqual([]);
  });

  it('builds a patch that claims only the field, at its live value, for the object the desired one names', () => {
    const live = deployment({ replicas: 4, template: { spec: {} } });
    expect(handoffPatch(deployment({}), live, path)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'quire-document', namespace: 'quire' },
      spec: { replicas: 4 },
    });
  });
});
