/**
 * Which pod to evict so a service's pods return to an even spread over the zones. The scheduler's
 * spread constraint keeps placements even, but a scale-down lets the ReplicaSet delete pods by node,
 * not by zone, so a service can end 2-1-0 with every pod ready and a zone holding none. Evicting one
 * pod of the most crowded zone makes the ReplicaSet create a replacement, which the constraint can
 * only place in a short zone. Pure: the workloads phase passes in what the caches hold, evicts the
 * pod named here through the Eviction API (so the PodDisruptionBudget holds), and looks again later.
 */
import type { WorkloadName } from '../api/index.js';
import { desiredPerZone } from './workload-status.js';

/** One live pod of the service: its zone (undefined while unscheduled or outside the Platform's zones). */
export interface RebalancePod {
  name: string;
  zone: string | undefined;
  ready: boolean;
  /** RFC 3339 creation time: the newest pod of the crowded zone is the one evicted. */
  createdAt: string | undefined;
}

export interface RebalanceInput {
  service: WorkloadName;
  desiredReplicas: number;
  /** True when the Deployment has rolled out its current spec and all replicas are available. */
  rolloutComplete: boolean;
  /** The Platform's zones, in spec order. */
  zones: readonly string[];
  /** Zones with at least one schedulable node: the only ones a replacement can go to. */
  schedulableZones: ReadonlySet<string>;
  /** The service's pods that are neither terminating nor finished. */
  pods: readonly RebalancePod[];
}

/** One eviction: the pod, the zone it leaves, and the short zone its replacement should fill. */
export interface ZoneEviction {
  service: WorkloadName;
  pod: string;
  from: { zone: string; ready: number; share: number };
  to: { zone: string; ready: number; share: number };
}

/** The zone furthest from its share in the direction `gap` measures, first in spec order on ties. */
function furthest(zones: readonly string[], gap: (zone: string) => number): string | undefined {
  let best: string | undefined;
  for (const zone of zones) if (gap(zone) > 0 && (best === undefined || gap(zone) > gap(best))) best = zone;
  return best;
}

/**
 * The one pod to evict, or undefined when the service is balanced or must be left alone: while its
 * rollout is in progress, while any pod is not ready or not placed in a zone, or when no short zone
 * has a schedulable node (a replacement would only wait there; that case is reported as Stalled).
 */
export function planZoneEviction(input: RebalanceInput): ZoneEviction | undefined {
  const { pods, zones } = input;
  if (!input.rolloutComplete || pods.length !== input.desiredReplicas) return undefined;
  if (pods.some((p) => !p.ready || p.zone === undefined || !zones.includes(p.zone))) return undefined;
  const ready = new Map<string, number>();
  for (const pod of pods) if (pod.zone) ready.set(pod.zone, (ready.get(pod.zone) ?? 0) + 1);
  const shares = desiredPerZone(input.desiredReplicas, zones, ready);
  const count = (zone: string) => ready.get(zone) ?? 0;
  const share = (zone: string) => shares.get(zone) ?? 0;

  const to = furthest(
    zones.filter((z) => input.schedulableZones.has(z)),
    (z) => share(z) - count(z),
  );
  const from = furthest(zones, (z) => count(z) - share(z));
  if (to === undefined || from === undefined) return undefined;
  // The newest pod goes, as the ReplicaSet itself prefers on a scale-down; the name breaks ties so a
  // look at a cache that has not yet seen the eviction picks the same pod again.
  const victim = pods
    .filter((p) => p.zone === from)
    .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.name.localeCompare(b.name))[0];
  if (!victim) return undefined;
  return {
    service: input.service,
    pod: victim.name,
    from: { zone: from, ready: count(from), share: share(from) },
    to: { zone: to, ready: count(to), share: share(to) },
  };
}

/** The Event note for an eviction: the pod, and the zones it rebalances. */
export function evictionNote(eviction: ZoneEviction): string {
  const { from, to } = eviction;
  return `Evicted pod ${eviction.pod} of ${eviction.service} from ${from.zone} (${from.ready} ready, share ${from.share}) so its replacement is scheduled into ${to.zone} (${to.ready} ready, share ${to.share})`;
}
