/**
 * Adds and removes a finalizer with JSON patches guarded by `test` operations, so a reconcile that
 * read a stale Platform fails with a conflict (and is retried) instead of overwriting another
 * writer's finalizers.
 */
import { type ApiClient, patchTypes } from '../runtime/api-client.js';
import { type KubeObject, keyOf, type ResourceKind, resourcePath } from '../runtime/resource-kind.js';
import type { FinalizerWriter } from './scope.js';

/** A finalizer writer for objects of `kind`, through the operator's client. */
export function jsonPatchFinalizers(client: ApiClient, kind: ResourceKind): FinalizerWriter {
  const patch = (object: KubeObject, body: unknown[]) =>
    client.request<KubeObject>('PATCH', resourcePath(kind, keyOf(object)), {
      body,
      contentType: patchTypes.json,
    });
  return {
    add: (object, finalizer) => {
      const existing = object.metadata.finalizers;
      return patch(object, [
        { op: 'test', path: '/metadata/resourceVersion', value: object.metadata.resourceVersion },
        existing
          ? { op: 'add', path: '/metadata/finalizers/-', value: finalizer }
          : { op: 'add', path: '/metadata/finalizers', value: [finalizer] },
      ]);
    },
    remove: async (object, finalizer) => {
      const index = object.metadata.finalizers?.indexOf(finalizer) ?? -1;
      if (index < 0) return;
      await patch(object, [
        { op: 'test', path: `/metadata/finalizers/${index}`, value: finalizer },
        { op: 'remove', path: `/metadata/finalizers/${index}` },
      ]);
    },
  };
}
