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
import { type FieldHandoff, handoffPatch, needsHandoff, valueAt } from './field-handoff.js';
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
  /** Live objects are read from these informers' caches when the kind has one; a miss is applied without force first. */
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
    options: { owner?: Owner; handoff?: FieldHandoff | undefined } = {},
  ): Promise<ApplyOutcome> {
    const object = this.prepare(kind, desired, options.owner);
    const id = this.id(kind, object);
    const hash = object.metadata.annotations?.[desiredHashAnnotation] ?? '';
    const live = this.cached(kind, object);
    const last = this.applied.get(id);
    if (live && last && last.hash === hash && last.fingerprint === fingerprint(live)) {
      return { result: 'unchanged', object: live };
    }
    if (live) {
      if (options.handoff) await this.handOver(kind, object, hash, live, options.handoff);
      return this.send(kind, object, id, hash, live.metadata.labels?.[managedByLabel] === managedByValue);
    }
    // Not cached: usually new, but possibly deleted from under the cache or outside a label-filtered
    // one (someone else's object). Applying without force tells them apart in one request for the
    // common case: it creates a new object, and only a field another manager holds makes it fail,
    // when a read decides whether forcing is safe (the object is ours) or the conflict stands.
    const first = await this.send(kind, object, id, hash, false);
    if (first.result !== 'conflict') return first;
    const read = await this.read(kind, object);
    const ours = read === undefined || read.metadata.labels?.[managedByLabel] === managedByValue;
    return ours ? this.send(kind, object, id, hash, true) : first;
  }

  private async send(
    kind: ResourceKind,
    object: KubeObject,
    id: string,
    hash: string,
    force: boolean,
  ): Promise<ApplyOutcome> {
    const key = keyOf(object);
    try {
      const result = await this.options.client.request<KubeObject>(
        'PATCH',
        resourcePath(kind, { namespace: key.namespace, name: key.name }),
        {
          query: { fieldManager: this.options.fieldManager, force },
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

  /**
   * Before an apply that leaves out a field the live object has, gives the field to another manager
   * at its live value when the operator is its only owner, so the apply does not delete it (see
   * field-handoff.ts). Only a changed object that drops the field costs a read: managedFields are
   * not cached, and when the live object carries this very hash the last apply already left it out.
   */
  private async handOver(
    kind: ResourceKind,
    object: KubeObject,
    hash: string,
    live: KubeObject,
    handoff: FieldHandoff,
  ): Promise<void> {
    if (valueAt(object, handoff.path) !== undefined || valueAt(live, handoff.path) === undefined) return;
    if (live.metadata.annotations?.[desiredHashAnnotation] === hash) return;
    const read = await this.read(kind, object);
    if (!read || !needsHandoff(object, read, handoff.path, this.options.fieldManager)) return;
    const key = keyOf(object);
    try {
      await this.options.client.request<KubeObject>(
        'PATCH',
        resourcePath(kind, { namespace: key.namespace, name: key.name }),
        {
          query: { fieldManager: handoff.manager, force: false },
          body: handoffPatch(object, read, handoff.path),
          contentType: patchTypes.apply,
        },
      );
    } catch (error) {
      // A conflict means another manager set a different value since the read, so it holds the field.
      if (!(error instanceof ApiError && error.code === 409)) throw error;
    }
  }

  /** Forgets what was applied for an object (after it was deleted). */
  forget(kind: ResourceKind, object: KubeObject): void {
    this.applied.delete(this.id(kind, object));
  }

  private id(kind: ResourceKind, object: KubeObject): string {
    return `${kindName(kind)}/${object.metadata.namespace ?? ''}/${object.metadata.name}`;
  }

  private cached(kind: ResourceKind, object: KubeObject): KubeObject | undefined {
    const informers = this.options.informers;
    return informers?.has(kind) ? informers.for(kind).get(keyOf(object)) : undefined;
  }

  private async read(kind: ResourceKind, object: KubeObject): Promise<KubeObject | undefined> {
    try {
      return await this.options.client.request<KubeObject>('GET', resourcePath(kind, keyOf(object)));
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
