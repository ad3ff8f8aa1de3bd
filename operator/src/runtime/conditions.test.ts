import { describe, expect, it } from 'vitest';
import {
  type Condition,
  findCondition,
  isConditionTrue,
  kubeTime,
  removeCondition,
  setCondition,
} from './conditions.js';

const t0 = new Date('2026-01-01T10:00:00.123Z');
const t1 = new Date('2026-01-01T10:05:00.000Z');

describe('setCondition', () => {
  it('adds a new condition with the current time as its transition time, to the second', () => {
    const list = setCondition(
      [],
      { type: 'Ready', status: 'False', reason: 'Progressing', message: 'Starting' },
      t0,
    );
    expect(list).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'Progressing',
        message: 'Starting',
        lastTransitionTime: '2026-01-01T10:00:00Z',
      },
    ]);
  });

  it('keeps the transition time when only the reason or message changes', () => {
    const before = setCondition([], { type: 'Ready', status: 'False', reason: 'A', message: 'a' }, t0);
    const after = setCondition(
      before,
      { type: 'Ready', status: 'False', reason: 'B', message: 'b', observedGeneration: 2 },
      t1,
    );
    expect(after[0]).toMatchObject({
      reason: 'B',
      message: 'b',
      observedGeneration: 2,
      lastTransitionTime: kubeTime(t0),
    });
  });

  it('moves the transition time when the status changes', () => {
    const before = setCondition([], { type: 'Ready', status: 'False', reason: 'A', message: '' }, t0);
    const after = setCondition(
      before,
      { type: 'Ready', status: 'True', reason: 'Available', message: '' },
      t1,
    );
    expect(after[0]?.lastTransitionTime).toBe('2026-01-01T10:05:00Z');
  });

  it('leaves the other conditions and their order alone, and does not change the input list', () => {
    const list: Condition[] = [
      { type: 'A', status: 'True', reason: 'r', message: '', lastTransitionTime: kubeTime(t0) },
      { type: 'B', status: 'True', reason: 'r', message: '', lastTransitionTime: kubeTime(t0) },
    ];
    const copy = structuredClone(list);
    const next = setCondition(list, { type: 'A', status: 'False', reason: 'x', message: '' }, t1);
    expect(next.map((c) => c.type)).toEqual(['A', 'B']);
    expect(next[1]).toBe(list[1]);
    expect(list).toEqual(copy);
  });

  it('finds, tests and removes conditions by type', () => {
    const list = setCondition([], { type: 'Ready', status: 'True', reason: 'r', message: '' }, t0);
    expect(findCondition(list, 'Ready')?.status).toBe('True');
    expect(isConditionTrue(list, 'Ready')).toBe(true);
    expect(isConditionTrue(list, 'Stalled')).toBe(false);
    expect(removeCondition(list, 'Ready')).toEqual([]);
  });
});
