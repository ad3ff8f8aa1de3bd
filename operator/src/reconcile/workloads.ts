/**
 * The workloads phase: applies every object the Platform wants (server-side apply, skipped when
 * nothing changed, so drift made by hand on fields the operator owns is reverted and a steady state
 * sends nothing), prunes what the spec no longer wants, evicts a pod of a service left unevenly
 * spread over the zones (by a scale-down), and reports WorkloadsReady from the Deployments' real
 * availability, pod by pod and zone by zone.
 */
import { serviceNames } from '@quire/kit/catalogue';
import { ConditionReason, ConditionType, type WorkloadName } from '../api/index.js';
import { type DesiredObject, desiredWorkloads, workloadsPhaseValue } from '../render/desired-workloads.js';
import { nodeKind, ownedKinds, platformKind, podKind } from '../render/kinds.js';
import { phaseLabel } from '../render/labels.js';
import { serviceObjectName } from '../render/names.js';
import { fieldManagerConflictReason, type Owner } from '../runtime/apply.js';
import type { FieldHandoff } from '../runtime/field-handoff.js';
import { type KubeObject, kindName, kinds } from '../runtime/resource-kind.js';
import type { Phase, PhaseOutcome, ReconcileScope } from './scope.js';
import { observeWorkloads, workloadsOf } from './workload-status.js';
import { evictionNote, planZoneEviction, type RebalanceInput, type ZoneEviction } from './zone-rebalance.js';

/** How soon to look again after a rebalancing eviction, or after a budget held one off. */
export const rebalanceRecheckMs = 5_000;

const describeObject = (kind: { kind: string }, object: KubeObject) => `${kind.kind} ${object.metadata.name}`;

/**
 * A Deployment switched to autoscaling no longer declares `spec.replicas` (the autoscaler sets it).
 * Were the operator its only manager, the apply that drops it would have the API server delete it
 * and the Deployment fall back to one pod until the autoscaler scales it up again; so the field is
 * first handed to this manager at its live value, and kube-controller-manager takes it from there
 * once the autoscaler scales. Going back to fixed replicas, the operator's forced apply takes it back.
 */
export const replicasHandoff: FieldHandoff = {
  path: ['spec', 'replicas'],
  manager: 'quire-operator-autoscaling-handoff',
};

interface ApplyResult {
  applied: string[];
  conflicts: string[];
  /** Deployments as the API server returned them, fresher than the cache right after an apply. */
  deployments: Map<string, KubeObject>;
}

/** Applies kind by kind in order (policies first); the objects of one kind go out together. */
async function applyAll(
  scope: ReconcileScope,
  owner: Owner,
  desired: readonly DesiredObject[],
): Promise<ApplyResult> {
  const result: ApplyResult = { applied: [], conflicts: [], deployments: new Map() };
  const groups = new Map<string, DesiredObject[]>();
  for (const d of desired) groups.set(kindName(d.kind), [...(groups.get(kindName(d.kind)) ?? []), d]);
  for (const group of groups.values()) {
    const outcomes = await Promise.all(
      group.map(async (d) => {
        const handoff = d.kind === kinds.deployment ? { handoff: replicasHandoff } : {};
        return { d, outcome: await scope.deps.writer.apply(d.kind, d.object, { owner, ...handoff }) };
      }),
    );
    for (const { d, outcome } of outcomes) {
      if (outcome.result === 'conflict') result.conflicts.push(outcome.message);
      else if (outcome.result === 'applied') result.applied.push(describeObject(d.kind, d.object));
      if (outcome.result !== 'conflict' && d.kind === kinds.deployment) {
        result.deployments.set(outcome.object.metadata.name ?? '', outcome.object);
      }
    }
  }
  return result;
}

/** Lists at most a few names, so event notes and logs stay short. */
function someOf(names: readonly string[]): string {
  return names.length <= 5
    ? names.join(', ')
    : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
}

/**
 * Evicts at most one pod of each workload whose ready pods are unevenly spread over the zones
 * (reconcile/zone-rebalance.ts decides which), and returns when to look again, or undefined when
 * nothing needed evicting. A budget that allows no disruption now, or a refused eviction, leaves
 * the pod in place until the next look; a refusal is reported as a Warning Event.
 */
async function rebalanceZones(
  scope: ReconcileScope,
  services: readonly RebalanceInput[],
): Promise<number | undefined> {
  const { deps, object } = scope;
  const evictions = services.map(planZoneEviction).filter((e): e is ZoneEviction => e !== undefined);
  if (evictions.length === 0) return undefined;
  await Promise.all(
    evictions.map(async (eviction) => {
      const context = { service: eviction.service, pod: eviction.pod, from: eviction.from.zone };
      try {
        const outcome = await deps.evictor.evict({ namespace: scope.namespace, name: eviction.pod });
        if (outcome.result === 'evicted') {
          scope.log.info({ ...context, to: eviction.to.zone }, 'Evicted a pod to rebalance the zones');
          deps.events.record(platformKind, object, {
            type: 'Normal',
            reason: 'ZoneRebalanced',
            action: 'Evict',
            note: evictionNote(eviction),
          });
        } else if (outcome.result === 'blocked') {
          scope.log.info(
            { ...context, reason: outcome.message },
            'The disruption budget holds off a rebalance',
          );
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        scope.log.warn({ ...context, err: String(error) }, 'Could not evict a pod to rebalance the zones');
        deps.events.record(platformKind, object, {
          type: 'Warning',
          reason: 'ZoneRebalanceFailed',
          action: 'Evict',
          note: `Could not evict pod ${eviction.pod} of ${eviction.service} from ${eviction.from.zone} to rebalance the zones: ${message}`,
        });
      }
    }),
  );
  return rebalanceRecheckMs;
}

export const workloadsPhase: Phase = {
  name: 'workloads',
  conditionType: ConditionType.WorkloadsReady,

  async run(scope: ReconcileScope): Promise<PhaseOutcome> {
    const { deps, object, platform } = scope;
    const gatewayApi = deps.render.gatewayApi ?? false;
    const owner: Owner = { kind: platformKind, object };
    const desired = desiredWorkloads(platform, deps.render);

    const { applied, conflicts, deployments: fresh } = await applyAll(scope, owner, desired);
    const ours = (o: KubeObject) => o.metadata.labels?.[phaseLabel] === workloadsPhaseValue;
    const pruned = await deps.writer.prune(owner, ownedKinds({ gatewayApi }), desired, ours);
    if (applied.length > 0) {
      scope.log.info({ objects: applied.length }, 'Applied workload objects');
      deps.events.record(platformKind, object, {
        type: 'Normal',
        reason: 'Applied',
        action: 'Apply',
        note: `Applied ${applied.length} object(s): ${someOf(applied)}`,
      });
    }
    if (pruned.length > 0) {
      const names = pruned.map((o) => `${o.kind ?? 'object'} ${o.metadata.name}`);
      scope.log.info({ objects: pruned.length }, 'Pruned workload objects');
      deps.events.record(platformKind, object, {
        type: 'Normal',
        reason: 'Pruned',
        action: 'Prune',
        note: `Deleted ${pruned.length} object(s) the spec no longer wants: ${someOf(names)}`,
      });
    }
    for (const message of conflicts) {
      deps.events.record(platformKind, object, {
        type: 'Warning',
        reason: fieldManagerConflictReason,
        action: 'Apply',
        note: message,
      });
    }

    const deploymentsByService = new Map<WorkloadName, KubeObject | undefined>(
      workloadsOf(platform).map((service) => {
        const name = serviceObjectName(scope.name, service);
        return [
          service,
          fresh.get(name) ?? deps.reader.get(kinds.deployment, { namespace: scope.namespace, name }),
        ];
      }),
    );
    const observation = observeWorkloads({
      platform,
      deployments: deploymentsByService,
      pods: deps.reader.list(podKind, scope.namespace),
      nodes: deps.reader.list(nodeKind),
      now: scope.now,
    });
    const fields = { servicesReady: observation.servicesReady, services: observation.services };
    // Not while an apply conflicts: the Deployments may not be what the spec asks for.
    const rebalanceAfterMs =
      conflicts.length === 0 ? await rebalanceZones(scope, observation.rebalance) : undefined;
    const recheckAfterMs = Math.min(
      observation.recheckAfterMs ?? Number.POSITIVE_INFINITY,
      rebalanceAfterMs ?? Number.POSITIVE_INFINITY,
    );
    const requeue = Number.isFinite(recheckAfterMs) ? { requeueAfterMs: recheckAfterMs } : {};
    const routesIgnored =
      platform.spec.gateway && !gatewayApi
        ? '; spec.gateway is set but the Gateway API CRDs are not installed, so no HTTPRoutes were created'
        : '';

    if (conflicts.length > 0) {
      return {
        condition: {
          type: ConditionType.WorkloadsReady,
          status: 'False',
          reason: fieldManagerConflictReason,
          message: conflicts.join('; '),
        },
        stalled: true,
        fields,
      };
    }
    if (observation.stalled.length > 0) {
      return {
        condition: {
          type: ConditionType.WorkloadsReady,
          status: 'False',
          reason: ConditionReason.ReplicasUnavailable,
          message: `${observation.stalled.join('; ')}${routesIgnored}`,
        },
        stalled: true,
        fields,
        ...requeue,
      };
    }
    if (observation.waiting.length > 0) {
      return {
        condition: {
          type: ConditionType.WorkloadsReady,
          status: 'False',
          reason: ConditionReason.RolloutInProgress,
          message: `Waiting for ${observation.waiting.join(', ')}${routesIgnored}`,
        },
        fields,
        ...requeue,
      };
    }
    const zones = platform.spec.topology.zones.map((z) => z.name).join(', ');
    return {
      condition: {
        type: ConditionType.WorkloadsReady,
        status: 'True',
        reason: ConditionReason.Reconciled,
        message: `All ${serviceNames.length} services${platform.spec.web.enabled ? ' and the web app' : ''} have their replicas ready, spread over ${zones}${routesIgnored}`,
      },
      fields,
    };
  },
};
