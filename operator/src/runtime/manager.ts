/**
 * Runs everything: checks the CRDs, serves probes and metrics, starts and syncs the shared
 * informers on every replica (so a follower is ready to take over with a warm cache), and starts the
 * controllers only once this replica leads. Shutdown is graceful: stop taking work, let in-flight
 * reconciles finish within the grace period, flush events, release the lease, stop the informers.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Tracer } from '@opentelemetry/api';
import { ApiClient } from './api-client.js';
import { Applier } from './apply.js';
import type { OperatorConfig } from './config.js';
import { Controller, type ControllerOptions } from './controller.js';
import { type CrdRequirement, checkCrds } from './crd-check.js';
import { EventRecorder } from './event-recorder.js';
import { defaultIdentity, LeaderElector } from './leader-election.js';
import { type Logger, silentLogger } from './logger.js';
import { createRuntimeMetrics, type RuntimeMetrics } from './metrics.js';
import { type Check, ProbesServer, parseBindAddress } from './probes-server.js';
import { SharedInformers, type SharedInformersOptions } from './shared-informers.js';
import { StatusWriter } from './status-writer.js';

export interface ManagerOptions {
  config: OperatorConfig;
  kubeConfig: KubeConfig;
  logger?: Logger;
  metrics?: RuntimeMetrics;
  /** CRDs that must be installed before anything starts. */
  crds?: readonly CrdRequirement[];
  /** The server-side apply field manager (default `quire-operator`). */
  fieldManager?: string;
  /** Names events' reporting controller (default `platform.quire.dev/operator`). */
  reportingController?: string;
  identity?: string;
  /** Informer timing knobs (tests shorten them). */
  informer?: SharedInformersOptions['informer'];
  tracer?: Tracer;
}

type State = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

export class Manager {
  readonly config: OperatorConfig;
  readonly client: ApiClient;
  readonly metrics: RuntimeMetrics;
  readonly log: Logger;
  readonly informers: SharedInformers;
  readonly applier: Applier;
  readonly statusWriter: StatusWriter;
  readonly events: EventRecorder;
  readonly identity: string;
  /** Ports actually bound, once started (useful when configured with port 0). */
  metricsPort: number | undefined;
  probePort: number | undefined;
  private readonly options: ManagerOptions;
  private readonly controllers: Controller[] = [];
  private readonly servers: ProbesServer[] = [];
  private readonly elector: LeaderElector | undefined;
  private state: State = 'new';
  private controllersStarted = false;
  private finish!: (code: number) => void;
  private readonly finished = new Promise<number>((resolve) => {
    this.finish = resolve;
  });

  constructor(options: ManagerOptions) {
    const { config } = options;
    this.options = options;
    this.config = config;
    this.identity = options.identity ?? defaultIdentity();
    this.log = options.logger ?? silentLogger;
    this.metrics = options.metrics ?? createRuntimeMetrics({ processMetrics: true });
    this.client = new ApiClient(options.kubeConfig, {
      metrics: this.metrics,
      qps: config.kubeApi.qps,
      burst: config.kubeApi.burst,
    });
    this.informers = new SharedInformers({
      client: this.client,
      namespaces: config.watchNamespaces,
      resyncPeriodMs: config.syncPeriodMs,
      metrics: this.metrics,
      logger: this.log,
      ...(options.informer ? { informer: options.informer } : {}),
    });
    const fieldManager = options.fieldManager ?? 'quire-operator';
    this.applier = new Applier({ client: this.client, fieldManager, informers: this.informers });
    this.statusWriter = new StatusWriter({ client: this.client });
    this.events = new EventRecorder({
      client: this.client,
      reportingController: options.reportingController ?? 'platform.quire.dev/operator',
      reportingInstance: this.identity,
      logger: this.log,
    });
    if (config.leaderElection.enabled) {
      this.elector = new LeaderElector({
        client: this.client,
        namespace: config.leaderElection.namespace,
        name: config.leaderElection.name,
        identity: this.identity,
        leaseDurationMs: config.leaderElection.leaseDurationMs,
        renewDeadlineMs: config.leaderElection.renewDeadlineMs,
        retryPeriodMs: config.leaderElection.retryPeriodMs,
        metrics: this.metrics,
        logger: this.log,
      });
    }
  }

  /** Adds a controller; it starts when this replica leads (at once without leader election). */
  addController(options: Omit<ControllerOptions, 'informers' | 'metrics' | 'logger'>): Controller {
    const controller = new Controller({
      workers: this.config.workers,
      ...options,
      informers: this.informers,
      metrics: this.metrics,
      logger: this.log,
      ...(this.options.tracer ? { tracer: this.options.tracer } : {}),
    });
    this.controllers.push(controller);
    if (this.controllersStarted) controller.start();
    return controller;
  }

  /** True once this replica runs its controllers. */
  isLeading(): boolean {
    return this.controllersStarted;
  }

  /** Starts everything; rejects (and stops what it started) if the CRDs are missing or a server cannot listen. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error('A manager starts once');
    this.state = 'starting';
    try {
      await checkCrds(this.client, this.options.crds ?? []);
      await this.serve();
      this.informers.start();
      await this.informers.waitForSync();
      this.log.info({ identity: this.identity }, 'Synced the caches');
    } catch (error) {
      await this.shutdown(0);
      this.finish(1);
      throw error;
    }
    this.state = 'running';
    if (!this.elector) {
      this.startControllers();
      return;
    }
    void this.elector.run({ onStartedLeading: () => this.startControllers() }).then((result) => {
      if (result !== 'lost') return;
      // Another replica may lead already: stop reconciling at once, and exit with an error.
      void this.shutdown(0).then(() => this.finish(1));
    });
  }

  /** Resolves with the process exit code once the manager has stopped, however it stopped. */
  done(): Promise<number> {
    return this.finished;
  }

  /** Graceful shutdown; resolves with the exit code: 0, or 1 if reconciles outlived the grace period. */
  async stop(): Promise<number> {
    if (this.state === 'stopping' || this.state === 'stopped') return this.finished;
    const drained = await this.shutdown(this.config.shutdownTimeoutMs);
    this.finish(drained ? 0 : 1);
    return this.finished;
  }

  /** Stops gracefully on SIGTERM or SIGINT. */
  stopOnSignals(): void {
    const handle = (signal: NodeJS.Signals) => {
      this.log.info({ signal }, 'Received a shutdown signal');
      void this.stop();
    };
    process.once('SIGTERM', handle);
    process.once('SIGINT', handle);
  }

  private startControllers(): void {
    if (this.controllersStarted || this.state !== 'running') return;
    this.controllersStarted = true;
    for (const controller of this.controllers) controller.start();
  }

  private async shutdown(graceMs: number): Promise<boolean> {
    this.state = 'stopping';
    const started = performance.now();
    const drained = (await Promise.all(this.controllers.map((c) => c.stop(graceMs)))).every(Boolean);
    this.controllersStarted = false;
    await this.events.flush();
    await this.elector?.stop();
    await this.informers.stop();
    await Promise.all(this.servers.map((s) => s.close()));
    this.state = 'stopped';
    this.log.info({ durationMs: Math.round(performance.now() - started), drained }, 'Shut down');
    return drained;
  }

  private async serve(): Promise<void> {
    const healthz: Record<string, Check> = { ping: () => true };
    const readyz: Record<string, Check> = {
      informers: () => this.informers.hasSynced() || 'the caches have not synced yet',
      shutdown: () => this.state === 'running' || `the manager is ${this.state}`,
    };
    const metricsAt = parseBindAddress(this.config.metricsBindAddress);
    const probesAt = parseBindAddress(this.config.healthProbeBindAddress);
    if (
      metricsAt &&
      probesAt &&
      metricsAt.port === probesAt.port &&
      metricsAt.port !== 0 &&
      metricsAt.host === probesAt.host
    ) {
      const server = new ProbesServer({ healthz, readyz, metrics: this.metrics.registry });
      this.servers.push(server);
      this.metricsPort = this.probePort = await server.listen(metricsAt);
      return;
    }
    if (metricsAt) {
      const server = new ProbesServer({ metrics: this.metrics.registry });
      this.servers.push(server);
      this.metricsPort = await server.listen(metricsAt);
    }
    if (probesAt) {
      const server = new ProbesServer({ healthz, readyz });
      this.servers.push(server);
      this.probePort = await server.listen(probesAt);
    }
  }
}
