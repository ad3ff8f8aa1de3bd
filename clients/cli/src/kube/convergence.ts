/**
 * What `quire wait` waits for, and what it shows meanwhile: a pure reading of one Platform snapshot
 * into "done?", the lines still converging, and the one message that blocks (printed on timeout).
 */
import { UsageError } from '../errors.js';
import { conditionOf, isCurrent, type PlatformObject, phaseConditions } from './platform.js';

/** A condition type and the status that ends the wait. */
export interface WaitTarget {
  type: string;
  status: 'True' | 'False';
  /** How messages name it: "Ready", "paused", "SchemasReady=True". */
  label: string;
}

/** `--for ready|paused|resumed` or `--for condition=<Type>[=True|False]`, as kubectl writes the last. */
export function parseWaitTarget(text: string): WaitTarget {
  const lower = text.toLowerCase();
  if (lower === 'ready') return { type: 'Ready', status: 'True', label: 'Ready' };
  if (lower === 'paused') return { type: 'ReconciliationPaused', status: 'True', label: 'paused' };
  if (lower === 'resumed') return { type: 'ReconciliationPaused', status: 'False', label: 'resumed' };
  const match = /^condition=([A-Za-z][A-Za-z0-9]*)(?:=(True|False))?$/.exec(text);
  if (!match?.[1]) {
    throw new UsageError(
      `--for ${text} is not something quire wait knows`,
      'Use --for ready, paused, resumed or condition=<Type>[=True|False]',
    );
  }
  const status = (match[2] ?? 'True') as 'True' | 'False';
  return { type: match[1], status, label: `${match[1]}=${status}` };
}

export interface Convergence {
  done: boolean;
  /** What is still converging, one line each. */
  lines: string[];
  /** The message that best explains why it is not done. */
  blocking: string;
}

/** Reads one snapshot of the Platform against the target. */
export function convergence(platform: PlatformObject, target: WaitTarget): Convergence {
  const condition = conditionOf(platform, target.type);
  const done = condition?.status === target.status && isCurrent(platform, condition);
  const lines: string[] = [];
  const generation = platform.metadata.generation;
  const observed = platform.status?.observedGeneration;
  if (!platform.status?.conditions?.length) {
    lines.push('The operator has reported nothing yet: is it running and watching this namespace?');
  } else if (
    generation !== undefined &&
    (observed ?? 0) < generation &&
    target.type !== 'ReconciliationPaused'
  ) {
    lines.push(
      `The operator has not finished generation ${generation} yet (last finished: ${observed ?? 'none'})`,
    );
  }
  if (platform.spec?.paused && target.type !== 'ReconciliationPaused') {
    lines.push('spec.paused is true: the operator changes nothing until `quire resume`');
  }
  const blockers = phaseConditions
    .map((type) => conditionOf(platform, type))
    .filter((c) => c !== undefined && c.status !== 'True');
  for (const c of blockers) lines.push(`${c?.type}=${c?.status} ${c?.reason}: ${c?.message}`);
  for (const s of platform.status?.services ?? []) {
    if (s.readyReplicas >= s.desiredReplicas) continue;
    const zones = (s.zones ?? []).map((z) => `${z.zone} ${z.readyReplicas}/${z.desiredReplicas}`).join(', ');
    lines.push(`${s.name} ${s.readyReplicas}/${s.desiredReplicas} ready${zones ? ` (${zones})` : ''}`);
  }
  const stalled = conditionOf(platform, 'Stalled');
  if (stalled?.status === 'True') lines.push(`Stalled: ${stalled.message}`);

  const first = blockers[0];
  const blocking = first
    ? `${first.type}=${first.status} (${first.reason}): ${first.message}`
    : stalled?.status === 'True'
      ? `Stalled (${stalled.reason}): ${stalled.message}`
      : condition
        ? `${condition.type}=${condition.status} (${condition.reason}): ${condition.message}${isCurrent(platform, condition) ? '' : ' [from an older generation]'}`
        : (lines[0] ?? `${target.type} is not reported yet`);
  return { done, lines, blocking };
}
