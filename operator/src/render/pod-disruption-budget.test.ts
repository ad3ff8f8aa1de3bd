import { describe, expect, it } from 'vitest';
import { samplePlatform } from '../../test/workloads/sample-platforms.js';
import { buildPodDisruptionBudget, minAvailableFor } from './pod-disruption-budget.js';
import { renderContext } from './render-context.js';

describe('a service PodDisruptionBudget', () => {
  it('keeps one replica per zone available where replicas allow, and always allows one disruption', () => {
    const table = [0, 1, 2, 3, 4, 6].map((replicas) => [replicas, minAvailableFor(replicas, 3)]);
    expect(table).toEqual([
      [0, undefined],
      [1, undefined],
      [2, 1],
      [3, 2],
      [4, 3],
      [6, 3],
    ]);
  });

  it("follows the autoscaler's floor when the service autoscales", () => {
    const budget = buildPodDisruptionBudget(renderContext(samplePlatform('platform-full')), 'document');
    expect(budget?.spec?.minAvailable).toBe(3);
    expect(budget?.spec?.unhealthyPodEvictionPolicy).toBe('AlwaysAllow');
  });
});
