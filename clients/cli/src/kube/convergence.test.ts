import { describe, expect, it } from 'vitest';
import { convergence, parseWaitTarget } from './convergence.js';
import type { PlatformObject } from './platform.js';

const at = '2026-01-01T00:00:00Z';
const condition = (
  type: string,
  status: 'True' | 'False',
  reason: string,
  message: string,
  observedGeneration = 2,
) => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: at,
  observedGeneration,
});

/** A Platform at generation 2 whose status the test chooses. */
const platform = (
  status: Partial<NonNullable<PlatformObject['status']>>,
  spec: Record<string, unknown> = {},
) =>
  ({
    metadata: { name: 'quire', namespace: 'prod', generation: 2 },
    spec,
    status,
  }) as unknown as PlatformObject;

describe('what quire wait waits for', () => {
  it('reads --for ready, paused, resumed and condition=<Type>[=Status]', () => {
    expect(parseWaitTarget('ready')).toMatchObject({ type: 'Ready', status: 'True' });
    expect(parseWaitTarget('paused')).toMatchObject({ type: 'ReconciliationPaused', status: 'True' });
    expect(parseWaitTarget('resumed')).toMatchObject({ type: 'ReconciliationPaused', status: 'False' });
    expect(parseWaitTarget('condition=SchemasReady=False')).toMatchObject({
      type: 'SchemasReady',
      status: 'False',
    });
    expect(() => parseWaitTarget('happy')).toThrow(/--for happy/);
  });

  it('is done only when Ready=True speaks about the current generation', () => {
    const ready = parseWaitTarget('ready');
    expect(
      convergence(
        platform({ observedGeneration: 2, conditions: [condition('Ready', 'True', 'Reconciled', 'ok')] }),
        ready,
      ).done,
    ).toBe(true);
    const stale = platform({
      observedGeneration: 1,
      conditions: [condition('Ready', 'True', 'Reconciled', 'ok', 1)],
    });
    const state = convergence(stale, ready);
    expect(state.done).toBe(false);
    expect(state.lines).toContain('The operator has not finished generation 2 yet (last finished: 1)');
    expect(state.blocking).toContain('[from an older generation]');
  });

  it('lists what still converges and blames the first phase condition that is not True', () => {
    const state = convergence(
      platform({
        conditions: [
          condition('Ready', 'False', 'Progressing', 'waiting'),
          condition('CertificatesReady', 'True', 'Reconciled', 'ok'),
          condition('SchemasReady', 'False', 'Migrating', 'Applying document/0002'),
          condition('WorkloadsReady', 'False', 'RolloutInProgress', 'document 1 of 4'),
        ],
        services: [
          {
            name: 'document',
            desiredReplicas: 4,
            readyReplicas: 1,
            zones: [{ zone: 'zone-a', desiredReplicas: 2, readyReplicas: 1 }],
          },
          { name: 'auth', desiredReplicas: 3, readyReplicas: 3 },
        ],
      }),
      parseWaitTarget('ready'),
    );
    expect(state.done).toBe(false);
    expect(state.blocking).toBe('SchemasReady=False (Migrating): Applying document/0002');
    expect(state.lines).toEqual([
      'The operator has not finished generation 2 yet (last finished: none)',
      'SchemasReady=False Migrating: Applying document/0002',
      'WorkloadsReady=False RolloutInProgress: document 1 of 4',
      'document 1/4 ready (zone-a 1/2)',
    ]);
  });

  it('says when nothing is reported, and when the Platform is paused', () => {
    const silent = convergence(platform({}), parseWaitTarget('ready'));
    expect(silent.blocking).toMatch(/reported nothing yet: is it running/);
    const paused = convergence(
      platform({ conditions: [condition('Ready', 'True', 'Reconciled', 'ok', 1)] }, { paused: true }),
      parseWaitTarget('ready'),
    );
    expect(paused.lines).toContain('spec.paused is true: the operator changes nothing until `quire resume`');
  });
});
