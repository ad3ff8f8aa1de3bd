/**
 * The operator's Prometheus metrics, named and labelled as controller-runtime and client-go name
 * theirs, so that existing dashboards and alerts work unchanged. Everything lives in one Registry
 * that is passed around; the global default registry is never used, so tests can create many.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** controller-runtime's reconcile-time buckets (5 ms to 60 s). */
const reconcileBuckets = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5,
  1.75, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
/** The work queue's buckets: powers of ten from 10 ns to 1000 s, as client-go's workqueue uses. */
const queueBuckets = Array.from({ length: 12 }, (_, i) => 1e-8 * 10 ** i);
const requestBuckets = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

/** What a work queue reports about items in progress, read at scrape time. */
export interface InFlightProbe {
  /** Seconds of work started and not yet finished, summed over items. */
  unfinishedSeconds(): number;
  /** Seconds the oldest item in progress has been worked on. */
  longestRunningSeconds(): number;
}

export interface RuntimeMetrics {
  readonly registry: Registry;
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly terminalReconcileErrors: Counter<'controller'>;
  readonly reconcilePanics: Counter<'controller'>;
  readonly reconcileTime: Histogram<'controller'>;
  readonly maxConcurrentReconciles: Gauge<'controller'>;
  readonly activeWorkers: Gauge<'controller'>;
  readonly queueDepth: Gauge<'name' | 'controller'>;
  readonly queueAdds: Counter<'name' | 'controller'>;
  readonly queueDuration: Histogram<'name' | 'controller'>;
  readonly workDuration: Histogram<'name' | 'controller'>;
  readonly queueRetries: Counter<'name' | 'controller'>;
  readonly restRequests: Counter<'code' | 'method' | 'host'>;
  readonly restRequestDuration: Histogram<'verb' | 'host'>;
  readonly leaderStatus: Gauge<'name'>;
  readonly watchRestarts: Counter<'resource' | 'reason'>;
  readonly relists: Counter<'resource'>;
  /** Registers a queue so the unfinished-work gauges can read it at scrape time. */
  watchInFlight(name: string, probe: InFlightProbe): void;
}

/**
 * Creates the registry and every runtime metric in it. `processMetrics` adds prom-client's
 * process_* and nodejs_* metrics (the Go runtime's go_* have no equivalent).
 */
export function createRuntimeMetrics(options: { processMetrics?: boolean } = {}): RuntimeMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const probes = new Map<string, InFlightProbe>();
  const queueLabels = ['name', 'controller'] as const;

  new Gauge({
    name: 'workqueue_unfinished_work_seconds',
    help: 'Seconds of work in progress not yet observed by work_duration; large values mean stuck workers',
    labelNames: queueLabels,
    registers,
    collect() {
      for (const [name, probe] of probes) this.set({ name, controller: name }, probe.unfinishedSeconds());
    },
  });
  new Gauge({
    name: 'workqueue_longest_running_processor_seconds',
    help: 'Seconds the longest-running item in progress has been worked on',
    labelNames: queueLabels,
    registers,
    collect() {
      for (const [name, probe] of probes) this.set({ name, controller: name }, probe.longestRunningSeconds());
    },
  });

  return {
    registry,
    reconcileTotal: new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller, by result',
      labelNames: ['controller', 'result'],
      registers,
    }),
    reconcileErrors: new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames: ['controller'],
      registers,
    }),
    terminalReconcileErrors: new Counter({
      name: 'controller_runtime_terminal_reconcile_errors_total',
      help: 'Total number of terminal reconciliation errors (not retried) per controller',
      labelNames: ['controller'],
      registers,
    }),
    reconcilePanics: new Counter({
      name: 'controller_runtime_reconcile_panics_total',
      help: 'Total number of reconciliations that failed with a programming error per controller',
      labelNames: ['controller'],
      registers,
    }),
    reconcileTime: new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'],
      buckets: reconcileBuckets,
      registers,
    }),
    maxConcurrentReconciles: new Gauge({
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Maximum number of concurrent reconciles per controller',
      labelNames: ['controller'],
      registers,
    }),
    activeWorkers: new Gauge({
      name: 'controller_runtime_active_workers',
      help: 'Number of workers reconciling right now per controller',
      labelNames: ['controller'],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'workqueue_depth',
      help: 'Current depth of the work queue',
      labelNames: queueLabels,
      registers,
    }),
    queueAdds: new Counter({
      name: 'workqueue_adds_total',
      help: 'Total number of adds handled by the work queue',
      labelNames: queueLabels,
      registers,
    }),
    queueDuration: new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in the work queue before being requested',
      labelNames: queueLabels,
      buckets: queueBuckets,
      registers,
    }),
    workDuration: new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long in seconds processing an item from the work queue takes',
      labelNames: queueLabels,
      buckets: queueBuckets,
      registers,
    }),
    queueRetries: new Counter({
      name: 'workqueue_retries_total',
      help: 'Total number of retries handled by the work queue',
      labelNames: queueLabels,
      registers,
    }),
    restRequests: new Counter({
      name: 'rest_client_requests_total',
      help: 'Number of HTTP requests to the API server, partitioned by status code, method, and host',
      labelNames: ['code', 'method', 'host'],
      registers,
    }),
    restRequestDuration: new Histogram({
      name: 'rest_client_request_duration_seconds',
      help: 'Request latency to the API server in seconds, until the response headers arrived',
      labelNames: ['verb', 'host'],
      buckets: requestBuckets,
      registers,
    }),
    leaderStatus: new Gauge({
      name: 'leader_election_master_status',
      help: 'Whether this process is the leader (1) or not (0), per lease name',
      labelNames: ['name'],
      registers,
    }),
    watchRestarts: new Counter({
      name: 'quire_informer_watch_restarts_total',
      help: 'Watches restarted after an error or a silent stream, by resource and reason',
      labelNames: ['resource', 'reason'],
      registers,
    }),
    relists: new Counter({
      name: 'quire_informer_relists_total',
      help: 'Full lists made by informers after start-up, for example after 410 Gone',
      labelNames: ['resource'],
      registers,
    }),
    watchInFlight(name, probe) {
      probes.set(name, probe);
    },
  };
}
