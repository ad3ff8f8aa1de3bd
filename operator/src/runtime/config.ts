/**
 * The operator's configuration, read once from the environment at start-up by one zod schema.
 * Start-up fails before anything connects, with every problem listed at once.
 */
import { z } from 'zod';

/** The environment variables the operator reads, with what each does. */
export const operatorEnv = {
  /** Comma-separated namespaces to watch; empty or unset watches every namespace. */
  watchNamespaces: 'QUIRE_WATCH_NAMESPACES',
  /** Concurrent reconciles per controller (default 2). */
  workers: 'QUIRE_WORKERS',
  /** Client-side requests per second to the API server (default 20; 0 disables the limit) and burst (default 30). */
  kubeApiQps: 'QUIRE_KUBE_API_QPS',
  kubeApiBurst: 'QUIRE_KUBE_API_BURST',
  /** Where /metrics listens (default `:8080`; `0` disables it). */
  metricsBindAddress: 'QUIRE_METRICS_BIND_ADDRESS',
  /** Where /healthz and /readyz listen (default `:8081`). */
  healthProbeBindAddress: 'QUIRE_HEALTH_PROBE_BIND_ADDRESS',
  /** `true` (default) runs leader election, so only one replica reconciles. */
  leaderElect: 'QUIRE_LEADER_ELECT',
  /** Namespace of the Lease (default: POD_NAMESPACE, else `quire-system`) and its name. */
  leaderElectionNamespace: 'QUIRE_LEADER_ELECTION_NAMESPACE',
  leaderElectionId: 'QUIRE_LEADER_ELECTION_ID',
  /** Lease timings in seconds (defaults 15, 10 and 2, as controller-runtime). */
  leaseDurationSeconds: 'QUIRE_LEASE_DURATION_SECONDS',
  renewDeadlineSeconds: 'QUIRE_RENEW_DEADLINE_SECONDS',
  retryPeriodSeconds: 'QUIRE_RETRY_PERIOD_SECONDS',
  /** Seconds between full resyncs of every cached object (default 600). */
  syncPeriodSeconds: 'QUIRE_SYNC_PERIOD_SECONDS',
  /** Seconds SIGTERM waits for in-flight reconciles before giving up (default 30). */
  shutdownTimeoutSeconds: 'QUIRE_SHUTDOWN_TIMEOUT_SECONDS',
  /** pino level: fatal, error, warn, info (default), debug, trace or silent. */
  logLevel: 'QUIRE_LOG_LEVEL',
} as const;

const e = operatorEnv;
const address = z
  .string()
  .regex(/^(0|(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]*):\d{1,5})$/, 'must be host:port, :port, or 0 to disable');
const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);

const schema = z
  .object({
    [e.watchNamespaces]: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((n) => n.trim())
          .filter((n) => n !== ''),
      )
      .pipe(z.array(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be namespace names')).max(64)),
    [e.workers]: z.coerce.number().int().min(1).max(64).default(2),
    [e.kubeApiQps]: z.coerce.number().min(0).default(20),
    [e.kubeApiBurst]: z.coerce.number().int().min(1).default(30),
    [e.metricsBindAddress]: address.default(':8080'),
    [e.healthProbeBindAddress]: address.default(':8081'),
    [e.leaderElect]: z.stringbool().default(true),
    [e.leaderElectionNamespace]: z.string().min(1).optional(),
    POD_NAMESPACE: z.string().min(1).optional(),
    [e.leaderElectionId]: z.string().min(1).default('quire-operator.platform.quire.dev'),
    [e.leaseDurationSeconds]: seconds(15),
    [e.renewDeadlineSeconds]: seconds(10),
    [e.retryPeriodSeconds]: seconds(2),
    [e.syncPeriodSeconds]: z.coerce.number().min(0).default(600),
    [e.shutdownTimeoutSeconds]: seconds(30),
    [e.logLevel]: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .transform((v) => ({
    watchNamespaces: v[e.watchNamespaces],
    workers: v[e.workers],
    kubeApi: { qps: v[e.kubeApiQps], burst: v[e.kubeApiBurst] },
    metricsBindAddress: v[e.metricsBindAddress],
    healthProbeBindAddress: v[e.healthProbeBindAddress],
    leaderElection: {
      enabled: v[e.leaderElect],
      namespace: v[e.leaderElectionNamespace] ?? v.POD_NAMESPACE ?? 'quire-system',
      name: v[e.leaderElectionId],
      leaseDurationMs: v[e.leaseDurationSeconds] * 1000,
      renewDeadlineMs: v[e.renewDeadlineSeconds] * 1000,
      retryPeriodMs: v[e.retryPeriodSeconds] * 1000,
    },
    syncPeriodMs: v[e.syncPeriodSeconds] * 1000,
    shutdownTimeoutMs: v[e.shutdownTimeoutSeconds] * 1000,
    logLevel: v[e.logLevel],
  }));

/**
 * The lease timings must nest (duration > renew deadline > retry period). Checked on its own, so the
 * problem is reported even when other variables are wrong too.
 */
const leaseTimings = z
  .object({
    [e.leaseDurationSeconds]: seconds(15),
    [e.renewDeadlineSeconds]: seconds(10),
    [e.retryPeriodSeconds]: seconds(2),
  })
  .superRefine((v, ctx) => {
    if (!(v[e.leaseDurationSeconds] > v[e.renewDeadlineSeconds])) {
      ctx.addIssue({
        code: 'custom',
        path: [e.leaseDurationSeconds],
        message: `must be greater than ${e.renewDeadlineSeconds}`,
      });
    }
    if (!(v[e.renewDeadlineSeconds] > v[e.retryPeriodSeconds])) {
      ctx.addIssue({
        code: 'custom',
        path: [e.renewDeadlineSeconds],
        message: `must be greater than ${e.retryPeriodSeconds}`,
      });
    }
  });

export type OperatorConfig = z.output<typeof schema>;

/** The configuration is invalid; the message lists every problem, one a line. */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`The operator configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Parses the environment; throws a ConfigError naming each wrong variable (values are never echoed). */
export function parseConfig(env: Record<string, string | undefined> = process.env): OperatorConfig {
  const result = schema.safeParse(env);
  const timings = leaseTimings.safeParse(env);
  if (result.success && timings.success) return result.data;
  const issues = [...(result.error?.issues ?? []), ...(timings.error?.issues ?? [])];
  const problems = issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`);
  throw new ConfigError([...new Set(problems)]);
}
