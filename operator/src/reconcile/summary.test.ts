import { describe, expect, it } from 'vitest';
import type { PhaseOutcome } from './scope.js';
import { summarize } from './summary.js';

const outcome = (status: 'True' | 'False', extra: Partial<PhaseOutcome> = {}): PhaseOutcome => ({
  condition: {
    type: 'WorkloadsReady',
    status,
    reason: status === 'True' ? 'Reconciled' : 'RolloutInProgress',
    message: 'm',
  },
  ...extra,
});
const statuses = (s: ReturnType<typeof summarize>) =>
  Object.fromEntries(s.conditions.map((c) => [c.type, c.status]));

describe('the status summary', () => {
  it('is Ready when every phase is true', () => {
    expect(statuses(summarize([outcome('True')], 3))).toEqual({
      Ready: 'True',
      Reconciling: 'False',
      Stalled: 'False',
    });
  });

  it('is Reconciling, naming the waiting concern, while a phase converges', () => {
    const summary = summarize([outcome('False', { requeueAfterMs: 5000 })], 3);
    expect(statuses(summary)).toEqual({ Ready: 'False', Reconciling: 'True', Stalled: 'False' });
    expect(summary.conditions[0]?.message).toBe('WorkloadsReady: m');
    expect(summary.requeueAfterMs).toBe(5000);
  });

  it('is Stalled, with the phase reason, when a person must act', () => {
    const summary = summarize([outcome('False', { stalled: true })], 3);
    expect(statuses(summary)).toEqual({ Ready: 'False', Reconciling: 'False', Stalled: 'True' });
    expect(summary.conditions.every((c) => c.observedGeneration === 3)).toBe(true);
  });

  it('says a failed reconcile will be retried', () => {
    const summary = summarize([], 3, new Error('boom'));
    expect(summary.conditions[0]).toMatchObject({ status: 'False', reason: 'ReconcileFailed' });
    expect(summary.conditions[0]?.message).toContain('boom');
  });

  it('still looks again when a ready phase asked to, such as for a certificate renewal', () => {
    const summary = summarize([outcome('True', { requeueAfterMs: 7_200_000 }), outcome('True')], 3);
    expect(statuses(summary).Ready).toBe('True');
    expect(summary.requeueAfterMs).toBe(7_200_000);
  });

  it("looks again at the sooner of a converging recheck and a ready phase's request", () => {
    const summary = summarize([outcome('True', { requeueAfterMs: 1000 }), outcome('False')], 3);
    expect(summary.requeueAfterMs).toBe(1000);
  });

  it('does not requeue a ready platform whose phases asked for nothing', () => {
    expect(summarize([outcome('True')], 3).requeueAfterMs).toBeUndefined();
  });
});
