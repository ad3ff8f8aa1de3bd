/**
 * The CA's life, as a state machine kept in the CA Secret. A rotation never breaks a connection:
 *   1. publish: a new CA is created and its root added to the trust bundle, while the old CA still
 *      signs; every leaf Secret gets the new bundle;
 *   2. after `overlapMs` (time for kubelet to update the mounted Secrets and the services to reload)
 *      the new CA becomes the signing CA and every leaf is reissued by it;
 *   3. after another `overlapMs`, roots no longer in use leave the bundle.
 * A rotation starts when the CA reaches two thirds of its life, when the user's CA above it changes,
 * or when a person asks for one (the Platform's rotate-ca annotation).
 */
import type { X509Certificate } from 'node:crypto';
import { type Ca, createCa } from './ca.js';
import { mergeBundle, pruneBundle } from './trust-bundle.js';

export interface CaState {
  /** The CA that signs leaves. */
  active: Ca;
  /** The CA being published: trusted already, signing after the overlap. */
  next?: Ca | undefined;
  /** Every root the services trust now (ca.crt). */
  bundle: X509Certificate[];
  nextPublishedAt?: Date | undefined;
  retireAfter?: Date | undefined;
  /** Fingerprint of the user's CA the newest CA chains to; undefined for a built-in root. */
  parentFingerprint?: string | undefined;
  /** The last rotate-ca request acted on. */
  rotationToken?: string | undefined;
}

export interface CaPolicy {
  commonName: string;
  lifetimeMs?: number;
  overlapMs: number;
}

/** Something that happened to the CA, for an event. */
export interface CaChange {
  reason: 'CaCreated' | 'CaRotationStarted' | 'CaRotated' | 'TrustBundlePruned';
  note: string;
}

export interface CaStep {
  state: CaState;
  changes: CaChange[];
  /** When the CA needs looking at again (end of an overlap, or its own renewal point). */
  nextCheckAt: Date;
}

/** Two thirds into a CA's life: time to start replacing it. */
export function caRenewalTime(ca: Ca): Date {
  const start = ca.cert.validFromDate.getTime();
  const end = ca.cert.validToDate.getTime();
  return new Date(start + ((end - start) * 2) / 3);
}

const describe = (ca: Ca) =>
  `${ca.cert.subject.replaceAll('\n', ', ')} (SHA-256 ${ca.fingerprint.slice(0, 16)})`;

/** Why a rotation should start now, or undefined. */
function rotationCause(
  state: CaState,
  input: { now: Date; parent?: Ca | undefined; rotationToken?: string | undefined },
): string | undefined {
  const parentFingerprint = input.parent?.fingerprint;
  if (input.rotationToken !== undefined && input.rotationToken !== state.rotationToken) {
    return `a rotation was requested (rotate-ca=${input.rotationToken})`;
  }
  if (parentFingerprint !== state.parentFingerprint) {
    return parentFingerprint
      ? 'the CA Secret supplied by the user changed'
      : 'the user-supplied CA was removed';
  }
  if (state.next || input.now < caRenewalTime(state.active)) return undefined;
  // Under a user's CA that expires first, a new intermediate would not live longer: wait for the user.
  if (input.parent && input.parent.cert.validToDate <= state.active.cert.validToDate) return undefined;
  return `the CA reached its renewal time ${caRenewalTime(state.active).toISOString()}`;
}

/** Advances the CA by whatever is due at `now`; creates the CA when there is none. */
export async function advanceCa(
  current: CaState | undefined,
  input: { now: Date; policy: CaPolicy; parent?: Ca | undefined; rotationToken?: string | undefined },
): Promise<CaStep> {
  const { now, policy, parent } = input;
  const make = () =>
    createCa({
      commonName: policy.commonName,
      now,
      ...(policy.lifetimeMs !== undefined ? { lifetimeMs: policy.lifetimeMs } : {}),
      ...(parent ? { parent } : {}),
    });
  const changes: CaChange[] = [];
  let state: CaState;
  if (!current) {
    const active = await make();
    state = {
      active,
      bundle: [active.root],
      parentFingerprint: parent?.fingerprint,
      rotationToken: input.rotationToken,
    };
    changes.push({ reason: 'CaCreated', note: `Created the CA ${describe(active)}` });
  } else {
    state = { ...current, bundle: [...current.bundle] };
    const cause = rotationCause(state, input);
    if (cause) {
      const next = await make();
      state.next = next;
      state.nextPublishedAt = now;
      state.bundle = mergeBundle(state.bundle, [state.active.root, next.root]);
      state.parentFingerprint = parent?.fingerprint;
      if (input.rotationToken !== undefined) state.rotationToken = input.rotationToken;
      const signsAt = new Date(now.getTime() + policy.overlapMs).toISOString();
      changes.push({
        reason: 'CaRotationStarted',
        note: `Started a CA rotation because ${cause}: published ${describe(next)} in the trust bundle; it signs from ${signsAt}`,
      });
    } else if (
      state.next &&
      state.nextPublishedAt &&
      now.getTime() >= state.nextPublishedAt.getTime() + policy.overlapMs
    ) {
      const previous = state.active;
      state.active = state.next;
      state.next = undefined;
      state.nextPublishedAt = undefined;
      state.retireAfter = new Date(now.getTime() + policy.overlapMs);
      changes.push({
        reason: 'CaRotated',
        note: `Rotated the CA: ${describe(state.active)} signs now instead of ${describe(previous)}; old roots stay trusted until ${state.retireAfter.toISOString()}`,
      });
    }
  }
  const retiring = !state.next && state.retireAfter !== undefined && now >= state.retireAfter;
  const keep = [state.active.root, ...(state.next ? [state.next.root] : [])];
  const pruned = pruneBundle(state.bundle, { keep, now, retireOthers: retiring });
  if (retiring) state.retireAfter = undefined;
  if (pruned.length < state.bundle.length) {
    changes.push({
      reason: 'TrustBundlePruned',
      note: `Removed ${state.bundle.length - pruned.length} root(s) no longer in use from the trust bundle; it holds ${pruned.length}`,
    });
  }
  state.bundle = mergeBundle(pruned, keep);

  const checks = [caRenewalTime(state.active).getTime()];
  if (state.next && state.nextPublishedAt) checks.push(state.nextPublishedAt.getTime() + policy.overlapMs);
  if (state.retireAfter) checks.push(state.retireAfter.getTime());
  // A renewal time already past (waiting on the user's CA) is not a reason to look again at once.
  const ahead = checks.filter((t) => t > now.getTime());
  const nextCheckAt = new Date(ahead.length > 0 ? Math.min(...ahead) : now.getTime() + 3600_000);
  return { state, changes, nextCheckAt };
}
