/**
 * An in-memory stand-in for the reconciler's small interfaces (reader, writer, status, events), for
 * unit tests of the orchestrator and phases. It stores what is applied, skips unchanged applies as
 * the runtime's applier does, and builds statuses with the runtime's own StatusWriter logic.
 */

import type { ObjectReader, ObjectWriter, ReconcileDeps, StatusUpdater } from '../../src/reconcile/scope.js';
import { nodeKind, platformKind, podKind } from '../../src/render/kinds.js';
import type { ApiClient } from '../../src/runtime/api-client.js';
import type { ApplyOutcome, Owner } from '../../src/runtime/apply.js';
import { canonicalJson } from '../../src/runtime/desired-hash.js';
import type { EventInput } from '../../src/runtime/event-recorder.js';
import type { EvictionOutcome } from '../../src/runtime/eviction.js';
import { controllerReference } from '../../src/runtime/ownership.js';
import {
  type KubeObject,
  keyOf,
  keyString,
  kindName,
  kinds,
  type ObjectKey,
  type ResourceKind,
} from '../../src/runtime/resource-kind.js';
import { StatusWriter } from '../../src/runtime/status-writer.js';

const id = (kind: ResourceKind, key: ObjectKey) => `${kindName(kind)}|${keyString(key)}`;

export class FakeCluster implements ObjectReader, ObjectWriter, StatusUpdater {
  readonly objects = new Map<string, KubeObject>();
  readonly writes: string[] = [];
  readonly events: EventInput[] = [];
  /** The pods evicted, as `namespace/name`. */
  readonly evictions: string[] = [];
  /** What the next evictions answer; an evicted pod is removed, as its ReplicaSet's deletion would. */
  evictionAnswer: () => Promise<EvictionOutcome> = async () => ({ result: 'evicted' });
  now = new Date('2026-01-01T00:00:00Z');
  private readonly statusLogic = new StatusWriter({
    client: undefined as unknown as ApiClient,
    now: () => this.now,
  });
  private uid = 0;

  put(kind: ResourceKind, object: KubeObject): KubeObject {
    const stored = structuredClone(object);
    stored.metadata.uid ??= `uid-${++this.uid}`;
    this.objects.set(
      id(kind, { namespace: stored.metadata.namespace ?? '', name: stored.metadata.name ?? '' }),
      stored,
    );
    return stored;
  }

  get(kind: ResourceKind, key: ObjectKey): KubeObject | undefined {
    return this.objects.get(id(kind, key));
  }

  list(kind: ResourceKind, namespace?: string): KubeObject[] {
    return [...this.objects.entries()]
      .filter(
        ([k, o]) =>
          k.startsWith(`${kindName(kind)}|`) &&
          (namespace === undefined || o.metadata.namespace === namespace),
      )
      .map(([, o]) => o);
  }

  async apply(kind: ResourceKind, desired: KubeObject, options: { owner: Owner }): Promise<ApplyOutcome> {
    const key = { namespace: desired.metadata.namespace ?? '', name: desired.metadata.name ?? '' };
    const live = this.get(kind, key);
    const wanted = {
      ...desired,
      metadata: {
        ...desired.metadata,
        ownerReferences: [controllerReference(options.owner.kind, options.owner.object)],
      },
    };
    const { uid: _uid, generation: _generation, ...liveMeta } = live?.metadata ?? {};
    if (live && canonicalJson({ ...live, status: undefined, metadata: liveMeta }) === canonicalJson(wanted)) {
      return { result: 'unchanged', object: live };
    }
    this.writes.push(`apply ${kind.kind} ${key.name}`);
    const stored = this.put(kind, {
      ...wanted,
      metadata: {
        ...wanted.metadata,
        uid: live?.metadata.uid,
        generation: (live?.metadata.generation ?? 0) + 1,
      },
    });
    return { result: 'applied', object: stored };
  }

  async prune(
    owner: Owner,
    kinds: readonly ResourceKind[],
    desired: ReadonlyArray<{ kind: ResourceKind; object: KubeObject }>,
    only: (object: KubeObject) => boolean,
  ) {
    const keep = new Set(
      desired.map((d) =>
        id(d.kind, { namespace: d.object.metadata.namespace ?? '', name: d.object.metadata.name ?? '' }),
      ),
    );
    const deleted: KubeObject[] = [];
    for (const kind of kinds) {
      for (const object of this.list(kind)) {
        const key = id(kind, {
          namespace: object.metadata.namespace ?? '',
          name: object.metadata.name ?? '',
        });
        const owned = object.metadata.ownerReferences?.some((r) => r.uid === owner.object.metadata.uid);
        if (owned && only(object) && !keep.has(key)) {
          this.objects.delete(key);
          this.writes.push(`delete ${kind.kind} ${object.metadata.name}`);
          deleted.push(object);
        }
      }
    }
    return deleted;
  }

  async update(kind: ResourceKind, current: KubeObject, change: Parameters<StatusUpdater['update']>[2]) {
    const status = this.statusLogic.next(current, change);
    if (canonicalJson(current.status ?? {}) === canonicalJson(status)) return undefined;
    this.writes.push(`status ${current.metadata.name}`);
    return this.put(kind, { ...current, status });
  }

  /** Nine Ready nodes, three per zone, labelled as the local cluster's are. */
  addNodes(zones = ['zone-a', 'zone-b', 'zone-c']): void {
    for (const zone of zones) {
      for (const i of [1, 2, 3]) {
        this.put(nodeKind, {
          metadata: {
            name: `${zone}-${i}`,
            labels: { 'topology.kubernetes.io/zone': zone, 'platform.quire.dev/pool': zone },
          },
          status: { conditions: [{ type: 'Ready', status: 'True' }] },
        });
      }
    }
  }

  /** Plays the Deployment controller and the scheduler: every Deployment rolled out, its pods Ready, round-robin over the zones' first nodes. */
  runDeployments(zones = ['zone-a', 'zone-b', 'zone-c']): void {
    for (const pod of this.list(podKind))
      this.objects.delete(
        id(podKind, { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '' }),
      );
    for (const deployment of this.list(kinds.deployment)) {
      const spec = deployment.spec as {
        replicas?: number;
        template: { metadata: { labels: Record<string, string> } };
      };
      const replicas = spec.replicas ?? 1;
      deployment.status = {
        observedGeneration: deployment.metadata.generation,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
      };
      for (let i = 0; i < replicas; i++) {
        this.put(podKind, {
          metadata: {
            name: `${deployment.metadata.name}-${i}`,
            namespace: deployment.metadata.namespace,
            labels: spec.template.metadata.labels,
          },
          spec: { nodeName: `${zones[i % zones.length]}-1` },
          status: {
            phase: 'Running',
            conditions: [
              { type: 'Ready', status: 'True' },
              { type: 'PodScheduled', status: 'True' },
            ],
          },
        });
      }
    }
  }

  deps(render: ReconcileDeps['render'] = {}): ReconcileDeps {
    return {
      reader: this,
      writer: this,
      evictor: {
        evict: async (key) => {
          const outcome = await this.evictionAnswer();
          if (outcome.result === 'evicted') {
            this.evictions.push(`${key.namespace}/${key.name}`);
            this.objects.delete(id(podKind, key));
          }
          return outcome;
        },
      },
      status: this,
      events: { record: (_k, _o, e) => this.events.push(e) },
      finalizers: {
        add: async (object, finalizer) => {
          this.writes.push(`finalizer+ ${finalizer}`);
          const stored = this.get(platformKind, keyOf(object)) ?? object;
          stored.metadata.finalizers = [...(stored.metadata.finalizers ?? []), finalizer];
          return stored;
        },
        remove: async (object, finalizer) => {
          this.writes.push(`finalizer- ${finalizer}`);
          const stored = this.get(platformKind, keyOf(object));
          if (stored) stored.metadata.finalizers = stored.metadata.finalizers?.filter((f) => f !== finalizer);
        },
      },
      render,
      now: () => this.now,
    };
  }
}
