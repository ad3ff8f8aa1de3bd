/**
 * Handing a field over to another field manager before the operator stops declaring it.
 *
 * Server-side apply deletes a field that the applying manager declared last time, leaves out now,
 * and that no other manager holds. That is right for most fields, but not for one another writer
 * is about to take over: a Deployment's `spec.replicas` once a HorizontalPodAutoscaler scales it.
 * Left to itself, the switch to autoscaling would remove `replicas`, the Deployment would default
 * to one pod, and the autoscaler would scale back up only later (the Kubernetes docs' "Migrating
 * Deployments and StatefulSets to horizontal autoscaling"). Applying the live value under a second
 * manager first makes that manager a co-owner, so the operator's next apply only drops its own
 * claim and the value stays until the autoscaler changes it (and so takes the field over).
 */
import { z } from 'zod';
import type { KubeObject } from './resource-kind.js';

/** A field to keep when an apply leaves it out, and the manager that keeps it. */
export interface FieldHandoff {
  /** The field's path in the object, e.g. `['spec', 'replicas']`. */
  path: readonly string[];
  /** The field manager that takes the field over; never the operator's own. */
  manager: string;
}

const managedFieldsEntry = z.object({
  manager: z.string().default(''),
  operation: z.string().default(''),
  subresource: z.string().default(''),
  fieldsV1: z.record(z.string(), z.unknown()).default({}),
});

/** The value at `path`, or undefined when any step is missing. */
export function valueAt(object: unknown, path: readonly string[]): unknown {
  let at: unknown = object;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** The managedFields entries (manager, operation, subresource) that own the field at `path`. */
export function ownersOf(
  managedFields: readonly unknown[] | undefined,
  path: readonly string[],
): Array<{ manager: string; operation: string; subresource: string }> {
  const entries = z.array(managedFieldsEntry).safeParse(managedFields ?? []);
  if (!entries.success) return [];
  const fieldsPath = path.map((key) => `f:${key}`);
  return entries.data
    .filter((entry) => valueAt(entry.fieldsV1, fieldsPath) !== undefined)
    .map(({ manager, operation, subresource }) => ({ manager, operation, subresource }));
}

/**
 * Whether applying `desired` would make the API server delete the field: the live object has it,
 * `desired` leaves it out, and the only owner of it is `fieldManager`'s apply. `live` must be read
 * from the API (the informer cache drops managedFields).
 */
export function needsHandoff(
  desired: KubeObject,
  live: KubeObject,
  path: readonly string[],
  fieldManager: string,
): boolean {
  if (valueAt(desired, path) !== undefined || valueAt(live, path) === undefined) return false;
  const owners = ownersOf(live.metadata.managedFields, path);
  return (
    owners.length > 0 &&
    owners.every((o) => o.manager === fieldManager && o.operation === 'Apply' && o.subresource === '')
  );
}

/** The apply patch, for the object `desired` names, that claims only the field at `path` at its live value. */
export function handoffPatch(desired: KubeObject, live: KubeObject, path: readonly string[]): KubeObject {
  const claim = path.reduceRight<Record<string, unknown>>(
    (inner, key, i) => ({ [key]: i === path.length - 1 ? valueAt(live, path) : inner }),
    {},
  );
  return {
    ...claim,
    apiVersion: desired.apiVersion,
    kind: desired.kind,
    metadata: { name: desired.metadata.name, namespace: desired.metadata.namespace },
  } as KubeObject;
}
