/**
 * Which nodes can run the Platform's pods in each of its zones: a node counts when it carries the
 * zone's label and the pool's label, is Ready, is not cordoned, and has no NoSchedule or NoExecute
 * taint (the pods tolerate none). A zone without such a node cannot get its share of the replicas.
 */
import type { PlatformSpec } from '../api/index.js';
import type { KubeObject } from '../runtime/resource-kind.js';

interface NodeFields {
  spec?: { unschedulable?: boolean; taints?: Array<{ key: string; effect: string }> };
  status?: { conditions?: Array<{ type: string; status: string }> };
}

/** True when a node would accept a new pod of the Platform as far as its state goes. */
export function isSchedulable(node: KubeObject): boolean {
  const { spec, status } = node as KubeObject & NodeFields;
  if (spec?.unschedulable) return false;
  if (spec?.taints?.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) return false;
  return status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** The zone a node is in, by the Platform's zone label; undefined if it is in none of the Platform's pools. */
export function zoneOfNode(
  topology: PlatformSpec['topology'],
  node: KubeObject | undefined,
): string | undefined {
  const labels = node?.metadata.labels ?? {};
  const zone = topology.zones.find(
    (z) =>
      labels[topology.zoneLabelKey] === z.name &&
      (z.pool === undefined || labels[topology.poolLabelKey] === z.pool),
  );
  return zone?.name;
}

/** The zones of the spec that have at least one schedulable node: where a new pod can go. */
export function zonesWithSchedulableNodes(
  topology: PlatformSpec['topology'],
  nodes: readonly KubeObject[],
): Set<string> {
  const zones = nodes.filter(isSchedulable).map((n) => zoneOfNode(topology, n));
  return new Set(zones.filter((z): z is string => z !== undefined));
}

/** For each zone of the spec that has no schedulable node, a sentence saying what is missing and how to fix it. */
export function zonesWithoutNodes(
  topology: PlatformSpec['topology'],
  nodes: readonly KubeObject[],
): string[] {
  const problems: string[] = [];
  for (const zone of topology.zones) {
    const inZone = nodes.filter((n) => zoneOfNode(topology, n) === zone.name);
    if (inZone.some(isSchedulable)) continue;
    const selector = `${topology.zoneLabelKey}=${zone.name}${zone.pool ? ` and ${topology.poolLabelKey}=${zone.pool}` : ''}`;
    const found =
      inZone.length === 0
        ? 'no node has the labels'
        : `its ${inZone.length} node(s) are not Ready, cordoned or tainted NoSchedule`;
    problems.push(
      `zone ${zone.name} has no schedulable node (${selector}): ${found}; add nodes to that pool or remove the zone from spec.topology.zones`,
    );
  }
  return problems;
}
