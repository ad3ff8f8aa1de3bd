/**
 * Status conditions as Kubernetes defines them (metav1.Condition): a condition's
 * `lastTransitionTime` moves only when its status changes, never when only its reason or message
 * does, so "how long has it been Ready" stays true.
 */

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

/** A condition as a reconciler states it; the time is filled in by `setCondition`. */
export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/** Kubernetes time: RFC 3339 in UTC, to the second. */
export function kubeTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/**
 * Returns a new list with `condition` set: added with `now` as its transition time, or updated in
 * place, keeping the old transition time unless the status changed.
 */
export function setCondition(list: readonly Condition[], condition: ConditionInput, now: Date): Condition[] {
  const existing = list.find((c) => c.type === condition.type);
  const lastTransitionTime =
    existing && existing.status === condition.status ? existing.lastTransitionTime : kubeTime(now);
  const next: Condition = { ...condition, lastTransitionTime };
  if (!existing) return [...list, next];
  return list.map((c) => (c.type === condition.type ? next : c));
}

/** Returns a new list without the condition of that type. */
export function removeCondition(list: readonly Condition[], type: string): Condition[] {
  return list.filter((c) => c.type !== type);
}

export function findCondition(list: readonly Condition[] | undefined, type: string): Condition | undefined {
  return list?.find((c) => c.type === type);
}

export function isConditionTrue(list: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(list, type)?.status === 'True';
}
