/**
 * How the Platform's workloads are doing, computed from what the caches hold: each Deployment's
 * rollout, each service's (and the web app's) ready pods per zone (a pod's zone is its node's), the
 * zones that have lost their nodes, and pods the scheduler cannot place. Pure: the reconciler passes
 * in the objects and the time, and gets back the status fields and what blocks readiness.
 */
import { serviceNames } from '@quire/kit/catalogue';
import { type Platform, type WorkloadName, webAppName } from '../api/index.js';
import { selectorLabels } from '../render/labels.js';
import type { KubeObject } from '../runtime/resource-kind.js';
import type { RebalanceInput } from './zone-rebalance.js';
import { zoneOfNode, zonesWithoutNodes, zonesWithSchedulableNodes } from './zones.js';

/** How long a pod may stay unschedulable before the Platform reports Stalled (the autoscaler may still add a node). */
export const unschedulableGraceMs = 60_000;

export interface ZoneReadiness {
  zone: string;
  desiredReplicas: number;
  readyReplicas: number;
}

export interface ServiceReadiness {
  name: WorkloadName;
  image?: string;
  desiredReplicas: number;
  readyReplicas: number;
  zones: ZoneReadiness[];
}

export interface WorkloadObservation {
  services: ServiceReadiness[];
  /** `<ready workloads>/<all workloads>`: the services, and the web app when enabled. */
  servicesReady: string;
  /** Problems only a person can fix. */
  stalled: string[];
  /** What is still converging, service by service. */
  waiting: string[];
  /** Look again then, to promote a waiting problem to a stalled one. */
  recheckAfterMs?: number;
  /** What each workload's zone rebalance is decided from (reconcile/zone-rebalance.ts). */
  rebalance: RebalanceInput[];
}

export interface WorkloadInput {
  platform: Platform;
  /** The Platform's Deployments by workload; missing ones are undefined. */
  deployments: ReadonlyMap<WorkloadName, KubeObject | undefined>;
  /** The Platform's pods (any workload). */
  pods: readonly KubeObject[];
  nodes: readonly KubeObject[];
  now: Date;
}

interface DeploymentFields {
  spec?: { replicas?: number; template?: { spec?: { containers?: Array<{ image?: string }> } } };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
  };
}

interface PodFields {
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    conditions?: Array<{
      type: string;
      status: string;
      reason?: string;
      message?: string;
      lastTransitionTime?: string;
    }>;
  };
}

const condition = (pod: KubeObject, type: string) =>
  (pod as KubeObject & PodFields).status?.conditions?.find((c) => c.type === type);

/**
 * Splits `replicas` evenly over the zones; the remainder goes to the zones already holding the most
 * ready pods (then in spec order), since with maxSkew 1 any such placement is balanced.
 */
export function desiredPerZone(
  replicas: number,
  zones: readonly string[],
  ready: ReadonlyMap<string, number>,
): Map<string, number> {
  const base = Math.floor(replicas / zones.length);
  const ranked = zones
    .map((zone, index) => ({ zone, index, ready: ready.get(zone) ?? 0 }))
    .sort((a, b) => b.ready - a.ready || a.index - b.index);
  const extra = new Set(ranked.slice(0, replicas % zones.length).map((z) => z.zone));
  return new Map(zones.map((zone) => [zone, base + (extra.has(zone) ? 1 : 0)]));
}

/** Why a Deployment has not finished rolling out, or undefined when it has (kubectl rollout status's rules). */
function rolloutProblem(deployment: KubeObject | undefined, desired: number): string | undefined {
  if (!deployment) return 'its Deployment does not exist yet';
  const { status } = deployment as KubeObject & DeploymentFields;
  if ((status?.observedGeneration ?? 0) < (deployment.metadata.generation ?? 0))
    return 'its Deployment has a change not yet rolled out';
  const updated = status?.updatedReplicas ?? 0;
  if (updated < desired) return `${updated} of ${desired} replicas updated`;
  if ((status?.replicas ?? 0) > updated) return 'old replicas are still terminating';
  const available = status?.availableReplicas ?? 0;
  if (available < desired) return `${available} of ${desired} replicas available`;
  return undefined;
}

/** The workloads a Platform runs: the seven services, then the web app unless it is disabled. */
export function workloadsOf(platform: Platform): WorkloadName[] {
  return platform.spec.web.enabled ? [...serviceNames, webAppName] : [...serviceNames];
}

/** Pods one workload should run; with autoscaling, what the autoscaler last asked for. */
function desiredReplicas(platform: Platform, workload: WorkloadName, deployment: KubeObject | undefined) {
  if (workload === webAppName) return platform.spec.web.replicas;
  const spec = platform.spec.services[workload];
  const fields = deployment as (KubeObject & DeploymentFields) | undefined;
  return spec.autoscaling ? (fields?.spec?.replicas ?? spec.autoscaling.minReplicas) : spec.replicas;
}

/** Observes the workloads of a Platform. */
export function observeWorkloads(input: WorkloadInput): WorkloadObservation {
  const { platform, now } = input;
  const { topology } = platform.spec;
  const name = platform.metadata.name ?? '';
  const zones = topology.zones.map((z) => z.name);
  const nodes = new Map(input.nodes.map((n) => [n.metadata.name ?? '', n]));
  const stalled = zonesWithoutNodes(topology, input.nodes);
  const schedulableZones = zonesWithSchedulableNodes(topology, input.nodes);
  const rebalance: RebalanceInput[] = [];
  const waiting: string[] = [];
  let recheckAfterMs: number | undefined;
  const services: ServiceReadiness[] = [];
  let readyServices = 0;

  for (const service of workloadsOf(platform)) {
    const deployment = input.deployments.get(service);
    const fields = deployment as (KubeObject & DeploymentFields) | undefined;
    const desired = desiredReplicas(platform, service, deployment);
    const selector = Object.entries(selectorLabels(name, service));
    const pods = input.pods.filter(
      (p) =>
        selector.every(([k, v]) => p.metadata.labels?.[k] === v) &&
        !p.metadata.deletionTimestamp &&
        !['Succeeded', 'Failed'].includes((p as KubeObject & PodFields).status?.phase ?? ''),
    );
    const placed = pods.map((pod) => ({
      name: pod.metadata.name ?? '',
      zone: zoneOfNode(topology, nodes.get((pod as KubeObject & PodFields).spec?.nodeName ?? '')),
      ready: condition(pod, 'Ready')?.status === 'True',
      createdAt: pod.metadata.creationTimestamp,
    }));
    const ready = new Map<string, number>();
    for (const { zone, ready: isReady } of placed) {
      if (zone && isReady) ready.set(zone, (ready.get(zone) ?? 0) + 1);
    }
    const perZone = desiredPerZone(desired, zones, ready);
    const zoneReadiness = zones.map((zone) => ({
      zone,
      desiredReplicas: perZone.get(zone) ?? 0,
      readyReplicas: ready.get(zone) ?? 0,
    }));
    const readyReplicas = zoneReadiness.reduce((sum, z) => sum + z.readyReplicas, 0);
    const image = fields?.spec?.template?.spec?.containers?.[0]?.image;
    services.push({
      name: service,
      ...(image ? { image } : {}),
      desiredReplicas: desired,
      readyReplicas,
      zones: zoneReadiness,
    });

    const behind = zoneReadiness.filter((z) => z.readyReplicas < z.desiredReplicas);
    const rollout = rolloutProblem(deployment, desired);
    rebalance.push({
      service,
      desiredReplicas: desired,
      rolloutComplete: rollout === undefined,
      zones,
      schedulableZones,
      pods: placed,
    });
    if (!rollout && behind.length === 0) readyServices += 1;
    else {
      const zonesText = behind.map((z) => `${z.zone} ${z.readyReplicas}/${z.desiredReplicas}`).join(', ');
      waiting.push(
        `${service} (${[rollout, zonesText && `ready per zone: ${zonesText}`].filter(Boolean).join('; ')})`,
      );
    }

    const unschedulable = pods
      .map((pod) => ({ pod, scheduled: condition(pod, 'PodScheduled') }))
      .filter(({ scheduled }) => scheduled?.status === 'False' && scheduled.reason === 'Unschedulable')
      .sort((a, b) => (a.pod.metadata.name ?? '').localeCompare(b.pod.metadata.name ?? ''));
    const since = (t: string | undefined) => now.getTime() - (t ? Date.parse(t) : now.getTime());
    const stuck = unschedulable.filter(
      ({ scheduled }) => since(scheduled?.lastTransitionTime) >= unschedulableGraceMs,
    );
    if (stuck.length > 0) {
      stalled.push(
        `${stuck.length} ${service} pod(s) cannot be scheduled: ${stuck[0]?.scheduled?.message ?? 'no reason given'}`,
      );
    } else if (unschedulable.length > 0) {
      const left = Math.min(
        ...unschedulable.map(({ scheduled }) => unschedulableGraceMs - since(scheduled?.lastTransitionTime)),
      );
      recheckAfterMs = Math.min(recheckAfterMs ?? Number.POSITIVE_INFINITY, Math.max(1000, left));
    }
  }
  return {
    services,
    servicesReady: `${readyServices}/${services.length}`,
    stalled,
    waiting,
    rebalance,
    ...(recheckAfterMs !== undefined ? { recheckAfterMs } : {}),
  };
}
