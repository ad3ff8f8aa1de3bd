/**
 * How the operator marks what it owns, and how an owned object leads back to its owner: the
 * controller ownerReference first, the owner label otherwise (for owners in another namespace or
 * objects that cannot carry an ownerReference).
 */
import type { KubeObject, ObjectKey, OwnerReference, ResourceKind } from './resource-kind.js';
import { apiVersionOf } from './resource-kind.js';

/** Set on every object the operator applies; Secrets and ConfigMaps are cached only with it. */
export const managedByLabel = 'app.kubernetes.io/managed-by';
export const managedByValue = 'quire-operator';
/** The name of the owning Platform, on every object applied for it. */
export const ownerNameLabel = 'platform.quire.dev/platform';
/** The namespace of the owning Platform, when it differs from the object's. */
export const ownerNamespaceLabel = 'platform.quire.dev/platform-namespace';

/** The label selector of objects the operator manages. */
export const managedSelector = `${managedByLabel}=${managedByValue}`;

/** The controller ownerReference that makes `owner` the controller of an object. */
export function controllerReference(ownerKind: ResourceKind, owner: KubeObject): OwnerReference {
  if (!owner.metadata.name || !owner.metadata.uid) throw new Error('An owner needs a name and a uid');
  return {
    apiVersion: apiVersionOf(ownerKind),
    kind: ownerKind.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The object's controller ownerReference, if any. */
export function controllerOf(object: KubeObject): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** True when `object` is controlled by `owner` (matched by uid). */
export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  return owner.metadata.uid !== undefined && controllerOf(object)?.uid === owner.metadata.uid;
}

/**
 * The key of the owner of kind `ownerKind` that an object belongs to: its controller reference
 * if that is of the owner's kind, else the owner labels; undefined when it has neither.
 */
export function ownerKeyOf(object: KubeObject, ownerKind: ResourceKind): ObjectKey | undefined {
  const ref = controllerOf(object);
  if (ref && ref.kind === ownerKind.kind && groupOf(ref.apiVersion) === ownerKind.group) {
    return { namespace: ownerKind.namespaced ? (object.metadata.namespace ?? '') : '', name: ref.name };
  }
  const labels = object.metadata.labels ?? {};
  const name = labels[ownerNameLabel];
  if (name === undefined) return undefined;
  const namespace = ownerKind.namespaced
    ? (labels[ownerNamespaceLabel] ?? object.metadata.namespace ?? '')
    : '';
  return { namespace, name };
}

const groupOf = (apiVersion: string): string =>
  apiVersion.includes('/') ? (apiVersion.split('/')[0] ?? '') : '';
