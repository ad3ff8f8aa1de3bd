/**
 * Kubernetes Events through the events.k8s.io/v1 API. Reasons are stable CamelCase words a user can
 * filter on; the note says what happened in a sentence. An event repeated about the same object
 * (same type, reason, action and note) is not created again: its series count is kept and patched
 * at most once per `seriesIntervalMs`. Recording never throws; a failed write is logged.
 */
import type { ApiClient } from './api-client.js';
import { patchTypes } from './api-client.js';
import { type Logger, silentLogger } from './logger.js';
import { apiVersionOf, type KubeObject, kinds, type ResourceKind, resourcePath } from './resource-kind.js';

export type EventType = 'Normal' | 'Warning';

export interface EventInput {
  type: EventType;
  /** Why, in one CamelCase word that never changes (`Applied`, `FieldManagerConflict`). */
  reason: string;
  /** What the operator did or failed to do (`Apply`, `Prune`, `Reconcile`). */
  action: string;
  /** A human-readable sentence, at most 1 kB. */
  note: string;
}

interface Series {
  name: string;
  namespace: string;
  count: number;
  lastWrittenAt: number;
}

/** RFC 3339 with microseconds, as MicroTime is written. */
const microTime = (date: Date) => date.toISOString().replace('Z', '000Z');

export class EventRecorder {
  private readonly client: ApiClient;
  private readonly controller: string;
  private readonly instance: string;
  private readonly seriesIntervalMs: number;
  private readonly log: Logger;
  private readonly series = new Map<string, Series>();
  private readonly pending = new Set<Promise<void>>();

  constructor(options: {
    client: ApiClient;
    /** The controller's name as events show it (`platform.quire.dev/operator`). */
    reportingController: string;
    /** This process (the leader-election identity). */
    reportingInstance: string;
    seriesIntervalMs?: number;
    logger?: Logger;
  }) {
    this.client = options.client;
    this.controller = options.reportingController;
    this.instance = options.reportingInstance.slice(0, 128);
    this.seriesIntervalMs = options.seriesIntervalMs ?? 60_000;
    this.log = options.logger ?? silentLogger;
  }

  /** Records an event about `regarding` in the background. */
  record(kind: ResourceKind, regarding: KubeObject, event: EventInput): void {
    const write = this.write(kind, regarding, event).catch((error: unknown) => {
      this.log.warn({ err: String(error), reason: event.reason }, 'Failed to record an event');
    });
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  /** Waits for the events recorded so far to be written. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async write(kind: ResourceKind, regarding: KubeObject, event: EventInput): Promise<void> {
    const meta = regarding.metadata;
    const key = [meta.uid, event.type, event.reason, event.action, event.note].join('\u0000');
    const now = new Date();
    const seen = this.series.get(key);
    if (seen) {
      seen.count += 1;
      if (now.getTime() - seen.lastWrittenAt < this.seriesIntervalMs) return;
      seen.lastWrittenAt = now.getTime();
      await this.client.request(
        'PATCH',
        resourcePath(kinds.event, { namespace: seen.namespace, name: seen.name }),
        {
          body: { series: { count: seen.count, lastObservedTime: microTime(now) } },
          contentType: patchTypes.merge,
        },
      );
      return;
    }
    const namespace = meta.namespace || 'default';
    const name = `${meta.name}.${(BigInt(now.getTime()) * 1_000_000n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`;
    this.evictOldSeries(now.getTime());
    await this.client.request('POST', resourcePath(kinds.event, { namespace }), {
      body: {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name, namespace },
        eventTime: microTime(now),
        reportingController: this.controller,
        reportingInstance: this.instance,
        type: event.type,
        reason: event.reason,
        action: event.action,
        note: event.note.slice(0, 1024),
        regarding: {
          apiVersion: apiVersionOf(kind),
          kind: kind.kind,
          name: meta.name,
          namespace: meta.namespace,
          uid: meta.uid,
          resourceVersion: meta.resourceVersion,
        },
      },
    });
    this.series.set(key, { name, namespace, count: 1, lastWrittenAt: now.getTime() });
  }

  /** Keeps the series memory small: entries not written for ten intervals are dropped. */
  private evictOldSeries(now: number): void {
    if (this.series.size < 1000) return;
    for (const [key, series] of this.series) {
      if (now - series.lastWrittenAt > this.seriesIntervalMs * 10) this.series.delete(key);
    }
  }
}
