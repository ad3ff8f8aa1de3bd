/**
 * A controller: informer events → work queue → workers → the reconcile function. The reconcile is
 * level-based: it receives only the key of the object (never the event that woke it), reads the
 * current state from the caches and converges. One place, `settle`, is the error policy: it decides
 * requeue and backoff and counts the outcome.
 */
import { randomUUID } from 'node:crypto';
import { type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { InformerHandler } from './informer-handlers.js';
import { type Logger, objectRef, silentLogger } from './logger.js';
import type { RuntimeMetrics } from './metrics.js';
import { ownerKeyOf } from './ownership.js';
import type { RateLimiter } from './rate-limiter.js';
import {
  type KubeObject,
  keyOf,
  keyString,
  type ObjectKey,
  parseKey,
  type ResourceKind,
} from './resource-kind.js';
import type { SharedInformers } from './shared-informers.js';
import { WorkQueue } from './work-queue.js';

/** What a reconcile asks for next: nothing (done), a retry after a delay, or a rate-limited retry. */
export interface ReconcileResult {
  requeueAfterMs?: number;
  requeue?: boolean;
}

export interface ReconcileContext {
  /** Aborted when the controller stops and the grace period is over. */
  signal: AbortSignal;
  /** Carries the object and the reconcile id. */
  log: Logger;
  reconcileId: string;
  /** How many times this key failed in a row before this attempt. */
  retries: number;
}

export type Reconciler = (key: ObjectKey, ctx: ReconcileContext) => Promise<ReconcileResult | undefined>;

/** An error that retrying cannot fix (invalid spec); the key is not requeued until it changes. */
export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TerminalError';
  }
}

/** A map from an object of a watched kind to the keys of primary objects to reconcile. */
export interface Watch {
  kind: ResourceKind;
  map: (object: KubeObject) => ObjectKey[];
}

export interface ControllerOptions {
  /** Names the controller in metrics, logs and traces. */
  name: string;
  /** The primary kind: its keys are what reconcile receives. */
  for: ResourceKind;
  /** Kinds whose objects lead back to their owner of the primary kind (controller reference or owner label). */
  owns?: readonly ResourceKind[];
  /** Other kinds, with their own mapping to primary keys. */
  watches?: readonly Watch[];
  reconcile: Reconciler;
  informers: SharedInformers;
  workers?: number;
  rateLimiter?: RateLimiter;
  metrics?: RuntimeMetrics | undefined;
  logger?: Logger | undefined;
  tracer?: Tracer;
}

type Outcome = 'success' | 'error' | 'requeue' | 'requeue_after';

/** True for what in Go would be a panic: a bug, not a failure of the outside world. */
function isProgrammingError(error: unknown): boolean {
  return (
    !(error instanceof Error) ||
    error instanceof TypeError ||
    error instanceof ReferenceError ||
    error instanceof RangeError ||
    error instanceof SyntaxError
  );
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  private readonly options: ControllerOptions;
  private readonly log: Logger;
  private readonly tracer: Tracer;
  private readonly removers: Array<() => void> = [];
  private readonly abort = new AbortController();
  private workers: Promise<void>[] = [];
  private running = false;

  constructor(options: ControllerOptions) {
    this.options = options;
    this.name = options.name;
    this.log = (options.logger ?? silentLogger).child({ controller: options.name });
    this.tracer = options.tracer ?? trace.getTracer('@quire/operator');
    this.queue = new WorkQueue({
      name: options.name,
      rateLimiter: options.rateLimiter,
      metrics: options.metrics,
    });
    // Informers are created now, so the manager starts and syncs them before any controller runs.
    options.informers.for(options.for);
    for (const kind of options.owns ?? []) options.informers.for(kind);
    for (const watch of options.watches ?? []) options.informers.for(watch.kind);
    const m = options.metrics;
    if (m) {
      for (const result of ['success', 'error', 'requeue', 'requeue_after']) {
        m.reconcileTotal.inc({ controller: this.name, result }, 0);
      }
      m.reconcileErrors.inc({ controller: this.name }, 0);
      m.terminalReconcileErrors.inc({ controller: this.name }, 0);
      m.reconcilePanics.inc({ controller: this.name }, 0);
      m.activeWorkers.set({ controller: this.name }, 0);
      m.maxConcurrentReconciles.set({ controller: this.name }, this.workerCount());
    }
  }

  /** Subscribes to the informers (every cached object is enqueued once) and starts the workers. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const { informers } = this.options;
    const primary = (objects: KubeObject[]) => objects.map(keyOf);
    this.subscribe(informers, this.options.for, primary);
    for (const kind of this.options.owns ?? []) {
      this.subscribe(informers, kind, (objects) =>
        objects.map((o) => ownerKeyOf(o, this.options.for)).filter((k): k is ObjectKey => k !== undefined),
      );
    }
    for (const watch of this.options.watches ?? []) {
      this.subscribe(informers, watch.kind, (objects) => objects.flatMap(watch.map));
    }
    this.workers = Array.from({ length: this.workerCount() }, () => this.work());
    this.log.info({ workers: this.workerCount() }, 'Started workers');
  }

  /**
   * Stops taking work and waits for in-flight reconciles, at most `graceMs`; then aborts their
   * signal. Resolves true when every reconcile finished in time.
   */
  async stop(graceMs: number): Promise<boolean> {
    for (const remove of this.removers.splice(0)) remove();
    this.queue.shutDown();
    if (!this.running) return true;
    this.running = false;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.all(this.workers).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (!drained) {
      this.abort.abort(new Error('The controller stopped before the reconcile finished'));
      this.log.warn({ graceMs, inFlight: this.queue.inFlight() }, 'Stopped with reconciles still in flight');
    } else {
      this.log.info('Stopped workers');
    }
    return drained;
  }

  /** Enqueues a key by hand (tests, and triggers from outside the informers). */
  enqueue(key: ObjectKey): void {
    this.queue.add(keyString(key));
  }

  private workerCount(): number {
    return Math.max(1, this.options.workers ?? 1);
  }

  private subscribe(
    informers: SharedInformers,
    kind: ResourceKind,
    toKeys: (objects: KubeObject[]) => ObjectKey[],
  ) {
    const add = (objects: KubeObject[]) => {
      for (const key of toKeys(objects)) this.queue.add(keyString(key));
    };
    const handler: InformerHandler<KubeObject> = {
      onAdd: (o) => add([o]),
      onUpdate: (old, current) => add(old === current ? [current] : [old, current]),
      onDelete: (o) => add([o]),
    };
    this.removers.push(informers.for(kind).addHandler(handler));
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.process(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  private async process(keyText: string): Promise<void> {
    const key = parseKey(keyText);
    const reconcileId = randomUUID();
    const log = this.log.child({ ...objectRef(this.options.for, key), reconcileID: reconcileId });
    const m = this.options.metrics;
    const labels = { controller: this.name };
    m?.activeWorkers.inc(labels);
    const started = performance.now();
    const attributes = {
      'quire.controller': this.name,
      'k8s.namespace.name': key.namespace,
      'quire.object.name': key.name,
      'quire.reconcile.id': reconcileId,
    };
    await this.tracer.startActiveSpan(`reconcile ${this.options.for.kind}`, { attributes }, async (span) => {
      try {
        const ctx: ReconcileContext = {
          signal: this.abort.signal,
          log,
          reconcileId,
          retries: this.queue.numRequeues(keyText),
        };
        // Through a promise, so a reconcile that throws before returning one is caught the same way.
        const result = await Promise.resolve().then(() => this.options.reconcile(key, ctx));
        this.settle(keyText, span, log, result ?? {});
      } catch (error) {
        this.settle(keyText, span, log, undefined, error);
      } finally {
        span.end();
        m?.activeWorkers.dec(labels);
        m?.reconcileTime.observe(labels, (performance.now() - started) / 1000);
      }
    });
  }

  /** The error policy: requeue, backoff and counting, in one place. */
  private settle(
    key: string,
    span: Span,
    log: Logger,
    result: ReconcileResult | undefined,
    error?: unknown,
  ): void {
    const m = this.options.metrics;
    const labels = { controller: this.name };
    let outcome: Outcome;
    if (result === undefined) {
      outcome = 'error';
      m?.reconcileErrors.inc(labels);
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
      if (error instanceof TerminalError) {
        m?.terminalReconcileErrors.inc(labels);
        this.queue.forget(key);
        log.error({ err: error }, 'Failed to reconcile, not retrying: the error is terminal');
      } else {
        const panic = isProgrammingError(error);
        if (panic) m?.reconcilePanics.inc(labels);
        this.queue.addRateLimited(key);
        log.error(
          {
            err: error instanceof Error ? error : String(error),
            panic,
            retries: this.queue.numRequeues(key),
          },
          'Failed to reconcile, retrying with backoff',
        );
      }
    } else if (result.requeueAfterMs !== undefined && result.requeueAfterMs > 0) {
      outcome = 'requeue_after';
      this.queue.forget(key);
      this.queue.addAfter(key, result.requeueAfterMs);
    } else if (result.requeue) {
      outcome = 'requeue';
      this.queue.addRateLimited(key);
    } else {
      outcome = 'success';
      this.queue.forget(key);
    }
    span.setAttribute('quire.reconcile.result', outcome);
    m?.reconcileTotal.inc({ ...labels, result: outcome });
    if (outcome !== 'error') log.debug({ result: outcome }, 'Reconciled');
  }
}
