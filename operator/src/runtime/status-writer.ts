/**
 * Writes an object's status through the status subresource, once, at the end of a reconcile, and
 * only when it differs from the status the object already has, so a no-op reconcile sends nothing.
 */
import type { ApiClient } from './api-client.js';
import { patchTypes } from './api-client.js';
import { type Condition, type ConditionInput, setCondition } from './conditions.js';
import { canonicalJson } from './desired-hash.js';
import { type KubeObject, keyOf, type ResourceKind, resourcePath } from './resource-kind.js';

export type Status = Record<string, unknown> & { conditions?: Condition[]; observedGeneration?: number };

export class StatusWriter {
  private readonly client: ApiClient;
  private readonly now: () => Date;

  constructor(options: { client: ApiClient; now?: () => Date }) {
    this.client = options.client;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Builds the next status from the current one: `fields` replace top-level fields, `conditions` are
   * set one by one (transition times move only on a status change).
   */
  next(
    current: KubeObject,
    change: { fields?: Record<string, unknown>; conditions?: ConditionInput[] },
  ): Status {
    const status = { ...((current.status as Status | undefined) ?? {}), ...change.fields } as Status;
    const now = this.now();
    let conditions = [...(status.conditions ?? [])];
    for (const condition of change.conditions ?? []) conditions = setCondition(conditions, condition, now);
    if (conditions.length > 0 || status.conditions) status.conditions = conditions;
    return status;
  }

  /**
   * Patches `/status` to `status` unless it equals the current one. Fields the current status has and
   * the new one lacks are removed. Returns the updated object, or undefined when nothing was sent.
   */
  async write(kind: ResourceKind, current: KubeObject, status: Status): Promise<KubeObject | undefined> {
    const old = (current.status as Status | undefined) ?? {};
    if (canonicalJson(old) === canonicalJson(status)) return undefined;
    const patch: Record<string, unknown> = { ...status };
    for (const field of Object.keys(old)) if (!(field in status)) patch[field] = null;
    const key = keyOf(current);
    return this.client.request<KubeObject>(
      'PATCH',
      resourcePath(kind, { namespace: key.namespace, name: key.name, subresource: 'status' }),
      { body: { status: patch }, contentType: patchTypes.merge },
    );
  }

  /** `next` then `write`: the usual end of a reconcile. */
  async update(
    kind: ResourceKind,
    current: KubeObject,
    change: { fields?: Record<string, unknown>; conditions?: ConditionInput[] },
  ): Promise<KubeObject | undefined> {
    return this.write(kind, current, this.next(current, change));
  }
}
