/**
 * The Platform reconciler: ordered phases over one scope, status written once at the end. It reads
 * only caches, takes only a key, and converges whatever woke it. Pause short-circuits before any
 * write but its own condition; `Ready=False` is written before the first phase of a new Platform, so
 * no tool mistakes an unprocessed Platform for a healthy one; `observedGeneration` moves only once
 * every phase has applied the generation without error.
 */
import { ConditionReason, ConditionType, describeProblems, parsePlatform } from '../api/index.js';
import { platformKind } from '../render/kinds.js';
import { type ConditionInput, findCondition } from '../runtime/conditions.js';
import { type Reconciler, TerminalError } from '../runtime/controller.js';
import type { Status } from '../runtime/status-writer.js';
import { ensureFinalizer, finalize } from './finalize.js';
import type { Phase, PhaseOutcome, ReconcileDeps, ReconcileScope } from './scope.js';
import { summarize } from './summary.js';
import { workloadsPhase } from './workloads.js';

/** The phases that need nothing but the caches; the operator adds certificates (see platform-operator.ts). */
export const defaultPhases: readonly Phase[] = [workloadsPhase];

const notPaused = (generation: number): ConditionInput => ({
  type: ConditionType.ReconciliationPaused,
  status: 'False',
  reason: ConditionReason.NotPaused,
  message: 'spec.paused is false',
  observedGeneration: generation,
});

/** A reconciler for Platforms over the given dependencies and phases. */
export function createPlatformReconciler(
  deps: ReconcileDeps,
  phases: readonly Phase[] = defaultPhases,
): Reconciler {
  return async (key, ctx) => {
    const cached = deps.reader.get(platformKind, key);
    if (!cached) return undefined;
    // Going: what it owns in the cluster carries its ownerReference, so garbage collection removes it;
    // what lives outside (topics, schemas) is retained or removed behind the finalizer.
    if (cached.metadata.deletionTimestamp) return finalize(cached, phases, deps, ctx.log);
    let object = cached;
    const generation = object.metadata.generation ?? 0;
    const at = { observedGeneration: generation };
    const before = (object.status as Status | undefined)?.conditions;

    const parsed = parsePlatform(cached);
    if (!parsed.ok) {
      const message = `The spec is invalid; fix it and apply again:\n${describeProblems(parsed.problems)}`;
      const reason = ConditionReason.ReconcileFailed;
      await deps.status.update(platformKind, object, {
        conditions: [
          { type: ConditionType.Ready, status: 'False', reason, message, ...at },
          { type: ConditionType.Stalled, status: 'True', reason, message, ...at },
          {
            type: ConditionType.Reconciling,
            status: 'False',
            reason,
            message: 'Stalled on an invalid spec',
            ...at,
          },
        ],
      });
      throw new TerminalError(message);
    }
    const platform = parsed.platform;

    if (platform.spec.paused) {
      // A Platform paused before its first reconcile still says it is not Ready, rather than nothing.
      const neverReconciled: ConditionInput[] = findCondition(before, ConditionType.Ready)
        ? []
        : [
            {
              type: ConditionType.Ready,
              status: 'False',
              reason: ConditionReason.Paused,
              message: 'Paused before its first reconcile',
              ...at,
            },
          ];
      await deps.status.update(platformKind, object, {
        conditions: [
          ...neverReconciled,
          {
            type: ConditionType.ReconciliationPaused,
            status: 'True',
            reason: ConditionReason.Paused,
            message: 'spec.paused is true: the operator changes nothing until it is false again',
            ...at,
          },
        ],
      });
      return undefined;
    }

    // Before anything is created outside the cluster, so nothing there can outlive the Platform unnoticed.
    object = await ensureFinalizer(object, phases, deps);
    let current = object;
    if (!findCondition(before, ConditionType.Ready)) {
      const first: ConditionInput = {
        type: ConditionType.Ready,
        status: 'False',
        reason: ConditionReason.Progressing,
        message: `Reconciling generation ${generation} for the first time`,
        ...at,
      };
      current =
        (await deps.status.update(platformKind, object, { conditions: [first, notPaused(generation)] })) ??
        object;
    }

    const scope: ReconcileScope = {
      object,
      platform,
      name: key.name,
      namespace: key.namespace,
      generation,
      now: deps.now?.() ?? new Date(),
      log: ctx.log,
      deps,
    };
    const outcomes: PhaseOutcome[] = [];
    let failure: Error | undefined;
    for (const phase of phases) {
      const waitingFor = phase.requires
        ?.map((type) => outcomes.find((o) => o.condition.type === type))
        .find((o) => o !== undefined && o.condition.status !== 'True');
      if (waitingFor) {
        outcomes.push({
          condition: {
            type: phase.conditionType,
            status: 'False',
            reason: ConditionReason.WaitingForDependency,
            message: `Waiting for ${waitingFor.condition.type} before changing anything: ${waitingFor.condition.message}`,
          },
        });
        continue;
      }
      try {
        outcomes.push(await phase.run(scope));
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        outcomes.push({
          condition: {
            type: phase.conditionType,
            status: 'Unknown',
            reason: ConditionReason.ReconcileFailed,
            message: failure.message,
          },
        });
        break;
      }
    }

    const summary = summarize(outcomes, generation, failure);
    const fields: Record<string, unknown> = Object.assign({}, ...outcomes.map((o) => o.fields ?? {}));
    if (!failure) fields.observedGeneration = generation;
    await deps.status.update(platformKind, current, {
      fields,
      conditions: [
        ...outcomes.map((o) => ({ ...o.condition, ...at })),
        ...summary.conditions,
        notPaused(generation),
      ],
    });

    // Events only on transitions, so a steady state records nothing.
    const wasReady = findCondition(before, ConditionType.Ready)?.status === 'True';
    const wasStalled = findCondition(before, ConditionType.Stalled)?.status === 'True';
    if (summary.ready && !wasReady) {
      deps.events.record(platformKind, object, {
        type: 'Normal',
        reason: 'Ready',
        action: 'Reconcile',
        note: `Generation ${generation} is ready`,
      });
    }
    if (summary.stalled && !wasStalled) {
      const message = summary.conditions.find((c) => c.type === ConditionType.Stalled)?.message ?? '';
      deps.events.record(platformKind, object, {
        type: 'Warning',
        reason: 'Stalled',
        action: 'Reconcile',
        note: message,
      });
    }
    if (failure) throw failure;
    return summary.requeueAfterMs === undefined ? undefined : { requeueAfterMs: summary.requeueAfterMs };
  };
}
