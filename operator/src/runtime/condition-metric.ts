/**
 * A gauge of the status conditions of a kind's objects, one series per object, condition type and
 * status, 1 for the status the condition has and 0 for the other two, as cert-manager exports
 * `certmanager_certificate_ready_status`. It is computed at scrape time from the informer's cache,
 * which holds the status the operator last wrote (and any other writer's), so a deleted object's
 * series go with it from the next scrape and none can go stale. Only the replica that writes status
 * (the leader) reports: the others return no series, so a query never sees two copies.
 */
import { Gauge, type Registry } from 'prom-client';
import type { ConditionStatus } from './conditions.js';
import type { KubeObject } from './resource-kind.js';

const statuses: readonly ConditionStatus[] = ['True', 'False', 'Unknown'];

/** Where the gauge reads its objects at scrape time. */
export interface ConditionSource {
  /** The objects to report: the informer's cache. */
  objects(): Iterable<KubeObject>;
  /** False on a replica that does not write status (a follower): it reports nothing. */
  reporting(): boolean;
}

export interface ConditionSeries {
  labels: Record<string, string>;
  value: 0 | 1;
}

/** The series of one object: three per condition type (True, False, Unknown), 1 for the one it has. */
export function conditionSeries(object: KubeObject, objectLabel: string): ConditionSeries[] {
  const conditions = (object.status as { conditions?: unknown } | undefined)?.conditions;
  if (!Array.isArray(conditions)) return [];
  const base = { namespace: object.metadata.namespace ?? '', [objectLabel]: object.metadata.name ?? '' };
  return conditions.flatMap((condition: { type?: unknown; status?: unknown }) =>
    typeof condition.type === 'string'
      ? statuses.map((status) => ({
          labels: { ...base, type: condition.type as string, status },
          value: condition.status === status ? 1 : 0,
        }))
      : [],
  );
}

/**
 * Registers the gauge `name` in `registry`, labelled `namespace`, `objectLabel` (the object's name),
 * `type` and `status`, filled from `source` on every scrape.
 */
export function createConditionMetric(
  registry: Registry,
  options: { name: string; help: string; objectLabel: string; source: ConditionSource },
): Gauge {
  const { objectLabel, source } = options;
  return new Gauge({
    name: options.name,
    help: options.help,
    labelNames: ['namespace', objectLabel, 'type', 'status'],
    registers: [registry],
    collect() {
      // Rebuilt from the cache each time, so an object or condition that is gone leaves no series.
      this.reset();
      if (!source.reporting()) return;
      for (const object of source.objects()) {
        for (const { labels, value } of conditionSeries(object, objectLabel)) this.set(labels, value);
      }
    },
  });
}
