/**
 * The deletion path. Kafka topics and database schemas live outside the cluster, where garbage
 * collection cannot reach, so a finalizer holds a Platform being deleted until every phase with a
 * `cleanup` has applied spec.deletionPolicy (Retain by default: the data stays and an Event says so).
 * Deletion proceeds even while paused: deleting is an explicit request, and blocking it forever would
 * leave the namespace stuck.
 */
import { ConditionReason, ConditionType, parsePlatform } from '../api/index.js';
import { externalStateFinalizer } from '../external/release-annotations.js';
import { platformKind } from '../render/kinds.js';
import type { ReconcileResult } from '../runtime/controller.js';
import type { Logger } from '../runtime/logger.js';
import type { KubeObject } from '../runtime/resource-kind.js';
import type { Phase, ReconcileDeps, ReconcileScope } from './scope.js';

/** Look again this soon when a cleanup could not finish and gave no time of its own. */
const cleanupRecheckMs = 30_000;

export const hasFinalizer = (object: KubeObject): boolean =>
  object.metadata.finalizers?.includes(externalStateFinalizer) ?? false;

/** Phases that keep state outside the cluster: the finalizer exists for them. */
export const cleaningPhases = (phases: readonly Phase[]): Phase[] => phases.filter((p) => p.cleanup);

/** Adds the finalizer to a live Platform that needs it; returns the object as stored afterwards. */
export async function ensureFinalizer(
  object: KubeObject,
  phases: readonly Phase[],
  deps: ReconcileDeps,
): Promise<KubeObject> {
  if (hasFinalizer(object) || cleaningPhases(phases).length === 0) return object;
  if (!deps.finalizers)
    throw new Error('Phases keep external state but the reconciler was given no finalizer writer');
  return deps.finalizers.add(object, externalStateFinalizer);
}

/** Runs every cleanup of a Platform being deleted, then lets it go; requeues while one is unfinished. */
export async function finalize(
  object: KubeObject,
  phases: readonly Phase[],
  deps: ReconcileDeps,
  log: Logger,
): Promise<ReconcileResult | undefined> {
  if (!hasFinalizer(object)) return undefined;
  const parsed = parsePlatform(object);
  const remove = () => deps.finalizers?.remove(object, externalStateFinalizer);
  if (!parsed.ok) {
    // Without a readable spec there is no delete policy to honour; keeping the data is the safe reading.
    log.warn(
      { platform: object.metadata.name },
      'Released a Platform with an invalid spec, keeping its external state',
    );
    await remove();
    return undefined;
  }
  const scope: ReconcileScope = {
    object,
    platform: parsed.platform,
    name: object.metadata.name ?? '',
    namespace: object.metadata.namespace ?? '',
    generation: object.metadata.generation ?? 0,
    now: deps.now?.() ?? new Date(),
    log,
    deps,
  };
  const unfinished: { message: string; requeueAfterMs?: number }[] = [];
  for (const phase of cleaningPhases(phases)) {
    const outcome = await phase.cleanup?.(scope);
    if (outcome && !outcome.done) unfinished.push(outcome);
  }
  if (unfinished.length === 0) {
    await remove();
    return undefined;
  }
  const message = `Deleting: ${unfinished.map((u) => u.message).join('; ')}`;
  await deps.status.update(platformKind, object, {
    conditions: [
      { type: ConditionType.Ready, status: 'False', reason: ConditionReason.Finalizing, message },
      { type: ConditionType.Reconciling, status: 'True', reason: ConditionReason.Finalizing, message },
    ],
  });
  return { requeueAfterMs: Math.min(...unfinished.map((u) => u.requeueAfterMs ?? cleanupRecheckMs)) };
}
