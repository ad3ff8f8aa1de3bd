/**
 * The kstatus summary of the phases: `Ready` (everything true for this generation), `Reconciling`
 * (converging) and `Stalled` (a person must act), each with a message that names the concern, and
 * when to look again. Pure, so every combination is tested without a cluster.
 */
import { ConditionReason, ConditionType } from '../api/index.js';
import type { ConditionInput } from '../runtime/conditions.js';
import type { PhaseOutcome } from './scope.js';

/** Look again this soon while converging, even if no watched object changes (a safety net only). */
export const convergingRecheckMs = 30_000;
/** Look again this soon while stalled: a person may have fixed something the operator does not watch. */
export const stalledRecheckMs = 60_000;

export interface Summary {
  conditions: ConditionInput[];
  ready: boolean;
  stalled: boolean;
  requeueAfterMs?: number;
}

/** Summarizes the phases' outcomes; `failure` is the error a phase threw, if one did. */
export function summarize(outcomes: readonly PhaseOutcome[], generation: number, failure?: Error): Summary {
  const at = { observedGeneration: generation };
  const notTrue = outcomes.filter((o) => o.condition.status !== 'True');
  const stalledOnes = outcomes.filter((o) => o.stalled);
  const describe = (list: readonly PhaseOutcome[]) =>
    list.map((o) => `${o.condition.type}: ${o.condition.message}`).join('; ');
  // The soonest time any phase asked to look again (a certificate renewal, say), whatever its state.
  const phaseRecheck = Math.min(...outcomes.map((o) => o.requeueAfterMs ?? Number.POSITIVE_INFINITY));
  const within = (ms: number) => Math.min(ms, phaseRecheck);

  if (failure) {
    const message = `Reconciling generation ${generation} failed and will be retried: ${failure.message}`;
    return {
      ready: false,
      stalled: false,
      conditions: [
        {
          type: ConditionType.Ready,
          status: 'False',
          reason: ConditionReason.ReconcileFailed,
          message,
          ...at,
        },
        {
          type: ConditionType.Reconciling,
          status: 'True',
          reason: ConditionReason.ReconcileFailed,
          message,
          ...at,
        },
        {
          type: ConditionType.Stalled,
          status: 'False',
          reason: ConditionReason.ReconcileFailed,
          message: 'Retrying',
          ...at,
        },
      ],
    };
  }
  if (stalledOnes.length > 0) {
    const reason = stalledOnes[0]?.condition.reason ?? ConditionReason.ReconcileFailed;
    const message = describe(stalledOnes);
    return {
      ready: false,
      stalled: true,
      requeueAfterMs: within(stalledRecheckMs),
      conditions: [
        { type: ConditionType.Ready, status: 'False', reason, message, ...at },
        {
          type: ConditionType.Reconciling,
          status: 'False',
          reason,
          message: 'Stalled: a change by a person is needed',
          ...at,
        },
        { type: ConditionType.Stalled, status: 'True', reason, message, ...at },
      ],
    };
  }
  if (notTrue.length > 0) {
    const message = describe(notTrue);
    const recheck = within(convergingRecheckMs);
    return {
      ready: false,
      stalled: false,
      requeueAfterMs: recheck,
      conditions: [
        { type: ConditionType.Ready, status: 'False', reason: ConditionReason.Progressing, message, ...at },
        {
          type: ConditionType.Reconciling,
          status: 'True',
          reason: ConditionReason.Progressing,
          message,
          ...at,
        },
        {
          type: ConditionType.Stalled,
          status: 'False',
          reason: ConditionReason.Progressing,
          message: 'Progressing',
          ...at,
        },
      ],
    };
  }
  const message = `Generation ${generation} is fully reconciled: ${outcomes.map((o) => o.condition.type).join(', ')}`;
  return {
    ready: true,
    stalled: false,
    ...(Number.isFinite(phaseRecheck) ? { requeueAfterMs: phaseRecheck } : {}),
    conditions: [
      { type: ConditionType.Ready, status: 'True', reason: ConditionReason.Reconciled, message, ...at },
      {
        type: ConditionType.Reconciling,
        status: 'False',
        reason: ConditionReason.Reconciled,
        message,
        ...at,
      },
      { type: ConditionType.Stalled, status: 'False', reason: ConditionReason.Reconciled, message, ...at },
    ],
  };
}
