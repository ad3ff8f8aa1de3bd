/**
 * Deletes what an owner no longer wants: objects of the given kinds that carry the owner's label
 * and controller reference (checked by uid, so a namesake is never touched) but are not in the
 * desired set. Reads candidates from the shared informers' caches; deletes with a uid precondition.
 */
import type { ApiClient } from './api-client.js';
import { isConflict, isNotFound } from './api-client.js';
import type { Applier, Owner } from './apply.js';
import { isControlledBy, ownerNameLabel, ownerNamespaceLabel } from './ownership.js';
import { type KubeObject, kindName, type ResourceKind, resourcePath } from './resource-kind.js';
import type { SharedInformers } from './shared-informers.js';

export interface PruneOptions {
  client: ApiClient;
  informers: SharedInformers;
  owner: Owner;
  /** Every kind the owner may own; each must have an informer. */
  kinds: readonly ResourceKind[];
  /** The objects the owner wants now; anything else it owns is deleted. */
  desired: ReadonlyArray<{ kind: ResourceKind; object: KubeObject }>;
  /** Told about deletions, so it forgets what it applied. */
  applier?: Applier;
}

const id = (kind: ResourceKind, object: KubeObject) =>
  `${kindName(kind)}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;

/** True when `object` was applied for `owner`: its labels name the owner and, in the same scope, its controller is the owner. */
export function isOwnedBy(object: KubeObject, owner: Owner): boolean {
  const labels = object.metadata.labels ?? {};
  if (labels[ownerNameLabel] !== owner.object.metadata.name) return false;
  const ownerNamespace = owner.object.metadata.namespace ?? '';
  if (!owner.kind.namespaced || ownerNamespace === (object.metadata.namespace ?? '')) {
    return isControlledBy(object, owner.object);
  }
  return labels[ownerNamespaceLabel] === ownerNamespace;
}

/** Deletes the owner's objects that are not desired; returns the ones deleted. */
export async function prune(options: PruneOptions): Promise<KubeObject[]> {
  const keep = new Set(options.desired.map((d) => id(d.kind, d.object)));
  const deleted: KubeObject[] = [];
  for (const kind of options.kinds) {
    const candidates = options.informers
      .for(kind)
      .list()
      .filter((o) => isOwnedBy(o, options.owner) && !keep.has(id(kind, o)) && !o.metadata.deletionTimestamp);
    for (const object of candidates) {
      const path = resourcePath(kind, { namespace: object.metadata.namespace, name: object.metadata.name });
      try {
        await options.client.request('DELETE', path, {
          body: { preconditions: { uid: object.metadata.uid }, propagationPolicy: 'Background' },
        });
        deleted.push(object);
      } catch (error) {
        // Already gone, or replaced by a namesake with another uid: neither is ours to delete.
        if (!isNotFound(error) && !isConflict(error)) throw error;
      }
      options.applier?.forget(kind, object);
    }
  }
  return deleted;
}
