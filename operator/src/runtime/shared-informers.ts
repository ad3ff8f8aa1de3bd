/**
 * One informer per kind, shared by every controller that reads or watches it, over the namespaces
 * the operator is configured to watch (one informer per namespace, or one for the whole cluster).
 * Kinds can be narrowed by a label selector: Secrets and ConfigMaps are cached only when they carry
 * the operator's managed-by label, so memory stays small in clusters with thousands of them.
 */
import type { ApiClient } from './api-client.js';
import { Informer, type InformerOptions } from './informer.js';
import type { InformerHandler } from './informer-handlers.js';
import type { Logger } from './logger.js';
import type { RuntimeMetrics } from './metrics.js';
import { managedSelector } from './ownership.js';
import { type KubeObject, kindName, type ObjectKey, type ResourceKind } from './resource-kind.js';

export interface SharedInformersOptions {
  client: ApiClient;
  /** Namespaces to watch; empty for all. */
  namespaces?: readonly string[];
  resyncPeriodMs?: number;
  metrics?: RuntimeMetrics;
  logger?: Logger;
  /** Label selectors by kind name (`ConfigMap`, `Deployment.apps`); Secrets and ConfigMaps default to the managed-by label. */
  selectors?: Record<string, string | undefined>;
  /** Timing knobs passed to every informer (tests shorten them). */
  informer?: Pick<InformerOptions, 'watchTimeoutSeconds' | 'silenceTimeoutMs' | 'backoff' | 'pageSize'>;
}

const defaultSelectors: Record<string, string> = { ConfigMap: managedSelector, Secret: managedSelector };

/** All informers of one kind, seen as one cache. */
export class KindInformer<T extends KubeObject = KubeObject> {
  readonly kind: ResourceKind;
  readonly informers: readonly Informer<T>[];

  constructor(kind: ResourceKind, informers: Informer<T>[]) {
    this.kind = kind;
    this.informers = informers;
  }

  get(key: ObjectKey): T | undefined {
    for (const informer of this.informers) {
      const found = informer.cache.get(key);
      if (found) return found;
    }
    return undefined;
  }

  list(namespace?: string): T[] {
    return this.informers.flatMap((i) => i.cache.list(namespace));
  }

  addHandler(handler: InformerHandler<T>): () => void {
    const removers = this.informers.map((i) => i.addHandler(handler));
    return () => {
      for (const remove of removers) remove();
    };
  }

  hasSynced(): boolean {
    return this.informers.every((i) => i.hasSynced());
  }

  async waitForSync(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.waitForSync()));
  }
}

export class SharedInformers {
  private readonly options: SharedInformersOptions;
  private readonly byKind = new Map<string, KindInformer>();
  private started = false;

  constructor(options: SharedInformersOptions) {
    this.options = options;
  }

  /** The shared informer of a kind, created on first use (and started if the set already runs). */
  for<T extends KubeObject = KubeObject>(
    kind: ResourceKind,
    options: { labelSelector?: string } = {},
  ): KindInformer<T> {
    const name = kindName(kind);
    const existing = this.byKind.get(name);
    if (existing) return existing as unknown as KindInformer<T>;
    const namespaces =
      kind.namespaced && this.options.namespaces?.length ? this.options.namespaces : [undefined];
    const labelSelector = options.labelSelector ?? this.options.selectors?.[name] ?? defaultSelectors[name];
    const informers = namespaces.map(
      (namespace) =>
        new Informer<T>({
          ...this.options.informer,
          client: this.options.client,
          kind,
          namespace,
          labelSelector,
          resyncPeriodMs: this.options.resyncPeriodMs,
          metrics: this.options.metrics,
          logger: this.options.logger,
        }),
    );
    const shared = new KindInformer<T>(kind, informers);
    this.byKind.set(name, shared as unknown as KindInformer);
    if (this.started) for (const informer of informers) informer.start();
    return shared;
  }

  /** True when the kind has an informer. */
  has(kind: ResourceKind): boolean {
    return this.byKind.has(kindName(kind));
  }

  start(): void {
    this.started = true;
    for (const shared of this.byKind.values()) for (const informer of shared.informers) informer.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.byKind.values()].flatMap((s) => s.informers.map((i) => i.stop())));
  }

  hasSynced(): boolean {
    return [...this.byKind.values()].every((s) => s.hasSynced());
  }

  async waitForSync(): Promise<void> {
    await Promise.all([...this.byKind.values()].map((s) => s.waitForSync()));
  }

  /** Replays every cached object of every kind to the handlers. */
  resync(): void {
    for (const shared of this.byKind.values()) for (const informer of shared.informers) informer.resync();
  }
}
