import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

describe('the operator configuration', () => {
  it('has controller-runtime-like defaults when nothing is set', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      watchNamespaces: [],
      workers: 2,
      kubeApi: { qps: 20, burst: 30 },
      metricsBindAddress: ':8080',
      healthProbeBindAddress: ':8081',
      leaderElection: {
        enabled: true,
        namespace: 'quire-system',
        leaseDurationMs: 15_000,
        renewDeadlineMs: 10_000,
        retryPeriodMs: 2_000,
      },
      shutdownTimeoutMs: 30_000,
    });
  });

  it('reads namespaces, workers, rates, addresses and leader election from the environment', () => {
    const config = parseConfig({
      QUIRE_WATCH_NAMESPACES: 'quire, quire-staging',
      QUIRE_WORKERS: '4',
      QUIRE_KUBE_API_QPS: '50',
      QUIRE_KUBE_API_BURST: '100',
      QUIRE_METRICS_BIND_ADDRESS: '127.0.0.1:9090',
      QUIRE_HEALTH_PROBE_BIND_ADDRESS: '0',
      QUIRE_LEADER_ELECT: 'false',
      POD_NAMESPACE: 'ops',
    });
    expect(config.watchNamespaces).toEqual(['quire', 'quire-staging']);
    expect(config.workers).toBe(4);
    expect(config.kubeApi).toEqual({ qps: 50, burst: 100 });
    expect(config.metricsBindAddress).toBe('127.0.0.1:9090');
    expect(config.healthProbeBindAddress).toBe('0');
    expect(config.leaderElection.enabled).toBe(false);
    expect(config.leaderElection.namespace).toBe('ops');
  });

  it('fails at once, listing every wrong variable', () => {
    let error: unknown;
    try {
      parseConfig({
        QUIRE_WORKERS: 'many',
        QUIRE_METRICS_BIND_ADDRESS: 'localhost',
        QUIRE_LEADER_ELECT: 'maybe',
        QUIRE_WATCH_NAMESPACES: 'Not_A_Namespace',
        QUIRE_RENEW_DEADLINE_SECONDS: '20',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const variable of [
      'QUIRE_WORKERS',
      'QUIRE_METRICS_BIND_ADDRESS',
      'QUIRE_LEADER_ELECT',
      'QUIRE_WATCH_NAMESPACES',
      'QUIRE_LEASE_DURATION_SECONDS',
    ]) {
      expect(problems).toContain(variable);
    }
  });
});
