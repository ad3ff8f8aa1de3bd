/**
 * What a reconcile works with: the Platform (as stored and as parsed), and the small interfaces it
 * reads and writes through. The runtime's informers, applier, status writer and event recorder
 * implement them in the operator; unit tests use in-memory fakes of the same interfaces.
 */
import type { Platform } from '../api/index.js';
import type { CleanupOutcome } from '../external/release-annotations.js';
import type { RenderOptions } from '../render/render-context.js';
import type { ApplyOutcome, Owner } from '../runtime/apply.js';
import type { ConditionInput } from '../runtime/conditions.js';
import type { EventInput } from '../runtime/event-recorder.js';
import type { EvictionOutcome } from '../runtime/eviction.js';
import type { FieldHandoff } from '../runtime/field-handoff.js';
import type { Logger } from '../runtime/logger.js';
import type { KubeObject, ObjectKey, ResourceKind } from '../runtime/resource-kind.js';

/** Reads from the informers' caches; never from the API. */
export interface ObjectReader {
  get(kind: ResourceKind, key: ObjectKey): KubeObject | undefined;
  /** Every cached object of a kind, in one namespace (or all, for cluster-scoped kinds). */
  list(kind: ResourceKind, namespace?: string): KubeObject[];
}

/** Writes objects: server-side apply with the operator's field manager, and pruning of what is no longer wanted. */
export interface ObjectWriter {
  /** `handoff` names a field to keep at its live value when `desired` stops declaring it. */
  apply(
    kind: ResourceKind,
    desired: KubeObject,
    options: { owner: Owner; handoff?: FieldHandoff },
  ): Promise<ApplyOutcome>;
  /**
   * Deletes the owner's objects of these kinds that are not in `desired` and that `only` accepts
   * (a phase passes its own, so it never deletes another phase's objects); returns those deleted.
   */
  prune(
    owner: Owner,
    kinds: readonly ResourceKind[],
    desired: ReadonlyArray<{ kind: ResourceKind; object: KubeObject }>,
    only: (object: KubeObject) => boolean,
  ): Promise<KubeObject[]>;
}

/** Writes an object's status once, and only when it changed. */
export interface StatusUpdater {
  update(
    kind: ResourceKind,
    current: KubeObject,
    change: { fields?: Record<string, unknown>; conditions?: ConditionInput[] },
  ): Promise<KubeObject | undefined>;
}

/** Adds and removes the Platform's finalizer, with a precondition so a stale copy never overwrites. */
export interface FinalizerWriter {
  add(object: KubeObject, finalizer: string): Promise<KubeObject>;
  remove(object: KubeObject, finalizer: string): Promise<void>;
}

/** Records Kubernetes Events in the background. */
export interface EventSink {
  record(kind: ResourceKind, regarding: KubeObject, event: EventInput): void;
}

/** Evicts pods through the Eviction API, so their PodDisruptionBudget is respected. */
export interface PodEvictor {
  evict(key: ObjectKey): Promise<EvictionOutcome>;
}

export interface ReconcileDeps {
  reader: ObjectReader;
  writer: ObjectWriter;
  evictor: PodEvictor;
  status: StatusUpdater;
  events: EventSink;
  /** Needed once a phase keeps state outside the cluster (it has a `cleanup`). */
  finalizers?: FinalizerWriter;
  render: Partial<RenderOptions>;
  now?: () => Date;
}

/** One reconcile of one Platform, shared by its phases. */
export interface ReconcileScope {
  /** The Platform as stored (with uid and generation): the owner of everything applied. */
  readonly object: KubeObject;
  /** The same Platform parsed, every default filled in. */
  readonly platform: Platform;
  readonly name: string;
  readonly namespace: string;
  readonly generation: number;
  readonly now: Date;
  readonly log: Logger;
  readonly deps: ReconcileDeps;
}

/** What a phase found: its condition, whether a person must act, status fields it reports, and when to look again. */
export interface PhaseOutcome {
  condition: Omit<ConditionInput, 'observedGeneration'>;
  /** True when the phase cannot progress without a change by a person (kstatus Stalled). */
  stalled?: boolean;
  fields?: Record<string, unknown>;
  requeueAfterMs?: number;
}

/** One phase of the reconcile: certificates, topics, schemas and workloads each plug in as one. */
export interface Phase {
  readonly name: string;
  /** The condition type the phase reports (WorkloadsReady, ...). */
  readonly conditionType: string;
  /** Condition types of earlier phases that must be True before this one runs. */
  readonly requires?: readonly string[];
  run(scope: ReconcileScope): Promise<PhaseOutcome>;
  /** Retains or removes what the phase keeps outside the cluster, while the Platform is being deleted. */
  cleanup?(scope: ReconcileScope): Promise<CleanupOutcome>;
}
