/**
 * Server-side apply with one field manager. Objects are sent only when something changed: the
 * desired state's hash differs from the last one applied, or the live object changed since (another
 * writer, a deletion). `force` is used only on objects the operator owns (absent, or carrying its
 * managed-by label); on anyone else's object a field conflict comes back as a `conflict` outcome
 * with a condition reason, never as an error that would crash-loop the reconcile.
 */
import type { ApiClient, ApiStatus } from './api-client.js';
import { ApiError, isNotFound, patchTypes } from './api-client.js';
import { desiredHash, desiredHashAnnotation } from './desired-hash.js';
import {
  controllerReference,
  managedByLabel,
  managedByValue,
  ownerNameLabel,
  ownerNamespaceLabel,
} from './ownership.js';
import {
  apiVersionOf,
  type KubeObject,
  keyOf,
  kindName,
  type ResourceKind,
  resourcePath,
} from './resource-kind.js';
import type { SharedInformers } from './shared-informers.js';

/** The condition reason an apply conflict becomes. */
export const fieldManagerConflictReason = 'FieldManagerConflict';

/** The object everything applied for it belongs to: its kind and its live object (with uid). */
export interface Owner {
  kind: ResourceKind;
  object: KubeObject;
}

export type ApplyOutcome =
  | { result: 'applied'; object: KubeObject }
  | { result: 'unchanged'; object: KubeObject }
  | {
      result: 'conflict';
      reason: typeof fieldManagerConflictReason;
      message: string;
      conflicts: Array<{ field: string; message: string }>;
    };

export interface ApplierOptions {
  client: ApiClient;
  fieldManager: string;
  /** Live objects are read from these informers' caches when the kind has one; otherwise, or on a miss, by a GET. */
  informers?: SharedInformers | undefined;
}

/** What the applier remembers of its last apply of an object. */
interface Applied {
  hash: string;
  fingerprint: string;
}

/** The live object's identity and version as far as applying is concerned. */
function fingerprint(object: KubeObject): string {
  const { uid, generation, resourceVersion } = object.metadata;
  // Generation moves only when the spec does, so status updates by others do not cause re-applies.
  return generation !== undefined ? `${uid}:g${generation}` : `${uid}:rv${resourceVersion}`;
}

export class Applier {
  private readonly options: ApplierOptions;
  private readonly applied = new Map<string, Applied>();

  constructor(options: ApplierOptions) {
    this.options = options;
  }

  /** The desired object as it is sent: kind, managed-by and owner labels, controller reference, hash. */
  prepare(kind: ResourceKind, desired: KubeObject, owner?: Owner): KubeObject {
    const object = structuredClone(desired);
    object.apiVersion = apiVersionOf(kind);
    object.kind = kind.kind;
    const labels: Record<string, string> = { ...object.metadata.labels, [managedByLabel]: managedByValue };
    if (owner) {
      labels[ownerNameLabel] = owner.object.metadata.name ?? '';
      const ownerNamespace = owner.object.metadata.namespace ?? '';
      // An ownerReference may point to a cluster-scoped owner, or to one in the object's own namespace.
      const referable =
        !owner.kind.namespaced || (kind.namespaced && ownerNamespace === (object.metadata.namespace ?? ''));
      if (referable) {
        object.metadata.ownerReferences = [
          ...(object.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.object.metadata.uid),
          controllerReference(owner.kind, owner.object),
        ];
      } else if (ownerNamespace) {
        labels[ownerNamespaceLabel] = ownerNamespace;
      }
    }
    object.metadata.labels = labels;
    const hash = desiredHash(object);
    object.metadata.annotations = { ...object.metadata.annotations, [desiredHashAnnotation]: hash };
    return object;
  }

  /** Applies `desired` unless it and the live object are unchanged since the last apply. */
  async apply(
    kind: ResourceKind,
    desired: KubeObject,
    options: { owner?: Owner } = {},
  ): Promise<ApplyOutcome> {
    const object = this.prepare(kind, desired, options.owner);
    const key = keyOf(object);
    const id = this.id(kind, object);
    const hash = object.metadata.annotations?.[desiredHashAnnotation] ?? '';
    const live = await this.live(kind, object);
    const last = this.applied.get(id);
    if (live && last && last.hash === hash && last.fingerprint === fingerprint(live)) {
      return { result: 'unchanged', object: live };
    }
    const ours = !live || live.metadata.labels?.[managedByLabel] === managedByValue;
    try {
      const result = await this.options.client.request<KubeObject>(
        'PATCH',
        resourcePath(kind, { namespace: key.namespace, name: key.name }),
        {
          query: { fieldManager: this.options.fieldManager, force: ours },
          body: object,
          contentType: patchTypes.apply,
        },
      );
      this.applied.set(id, { hash, fingerprint: fingerprint(result) });
      return { result: 'applied', object: result };
    } catch (error) {
      if (error instanceof ApiError && error.code === 409) return conflictOutcome(kind, object, error.status);
      throw error;
    }
  }

  /** Forgets what was applied for an object (after it was deleted). */
  forget(kind: ResourceKind, object: KubeObject): void {
    this.applied.delete(this.id(kind, object));
  }

  private id(kind: ResourceKind, object: KubeObject): string {
    return `${kindName(kind)}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
  }

  private async live(kind: ResourceKind, object: KubeObject): Promise<KubeObject | undefined> {
    const key = keyOf(object);
    const informers = this.options.informers;
    const cached = informers?.has(kind) ? informers.for(kind).get(key) : undefined;
    if (cached) return cached;
    // Not cached: new, deleted, or outside a label-filtered cache (someone else's object). Only a
    // read can tell, and it decides whether forcing is safe.
    try {
      return await this.options.client.request<KubeObject>('GET', resourcePath(kind, key));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}

function conflictOutcome(
  kind: ResourceKind,
  object: KubeObject,
  status: ApiStatus | undefined,
): ApplyOutcome {
  const conflicts = (status?.details?.causes ?? []).map((c) => ({
    field: c.field ?? '',
    message: c.message ?? '',
  }));
  const fields = conflicts.map((c) => `${c.field} (${c.message})`).join(', ');
  const where = `${kind.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`;
  return {
    result: 'conflict',
    reason: fieldManagerConflictReason,
    message: `Applying ${where} conflicts with another field manager${fields ? `: ${fields}` : ''}`,
    conflicts,
  };
}
