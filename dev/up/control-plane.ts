/**
 * The processes around the platform: the operator (the same `node operator/dist/main.js` as
 * `make run-operator`, in the background, watching only this namespace so the operator tests' own
 * in-process operators are never raced) and the trace collector the Platform points the services at.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stackSetting } from '@quire/dev';
import { chartRbacKubeconfig } from './operator-rbac.ts';
import {
  type EnsureAction,
  ensureProcess,
  hashOf,
  httpOk,
  type ManagedProcess,
  managedProcess,
  newestMtime,
  startProcess,
  waitReady,
} from './processes.ts';
import { repoRoot, type UpSettings } from './settings.ts';

export const operatorProcess = (s: UpSettings) =>
  managedProcess('operator', join(s.runDir, 'operator'), 'operator');
export const collectorProcess = (s: UpSettings) =>
  managedProcess('trace collector', join(s.runDir, 'collector'), 'collector');
export const spansFile = (s: UpSettings) => join(collectorProcess(s).dir, 'spans.jsonl');

/**
 * Copies the services' migrations into operator/dist/migrations, which the schemas phase applies:
 * `tsc -b` alone (make build) does not, and an operator without them could not migrate anything.
 */
export function packageMigrations(): void {
  execFileSync(process.execPath, [join(repoRoot, 'operator', 'scripts', 'package-migrations.ts')], {
    stdio: 'pipe',
  });
}

/** Starts the collector unless it runs. */
export async function ensureCollector(s: UpSettings): Promise<EnsureAction> {
  const p = collectorProcess(s);
  const script = join(repoRoot, 'dev', 'up', 'otlp-collector.ts');
  const action = await ensureProcess(p, hashOf([s.collectorPort, newestMtime([script])]), () =>
    startProcess(p, process.execPath, [script, '--port', String(s.collectorPort), '--file', spansFile(s)], {
      env: { PATH: process.env.PATH ?? '' },
    }),
  );
  await waitReady(p, () => httpOk(`http://127.0.0.1:${s.collectorPort}/healthz`), 10_000);
  return action;
}

/**
 * Starts the operator unless it runs from the same build, settings and credentials; waits for
 * /readyz. It runs as the chart's ServiceAccount when helm is built, else with the admin kubeconfig.
 */
export async function ensureOperator(
  s: UpSettings,
): Promise<{ action: EnsureAction; process: ManagedProcess; identity: string }> {
  const p = operatorProcess(s);
  const rbac = await chartRbacKubeconfig(s, p.dir);
  const kubeconfig = 'kubeconfig' in rbac ? rbac.kubeconfig : stackSetting('KUBECONFIG');
  const identity =
    'kubeconfig' in rbac
      ? `as ServiceAccount ${rbac.account} with the chart's RBAC`
      : `as the cluster admin (${rbac.reason})`;
  const env = {
    PATH: process.env.PATH ?? '',
    KUBECONFIG: kubeconfig,
    QUIRE_WATCH_NAMESPACES: s.namespace,
    // One local replica: leader election would only delay the start by a lease.
    QUIRE_LEADER_ELECT: 'false',
    QUIRE_METRICS_BIND_ADDRESS: `127.0.0.1:${s.operatorMetricsPort}`,
    QUIRE_HEALTH_PROBE_BIND_ADDRESS: `127.0.0.1:${s.operatorHealthPort}`,
  };
  // The migrations are copied afresh by every `make up`: their content counts, not their time.
  const migrations = join(repoRoot, 'operator', 'dist', 'migrations');
  const build = [
    newestMtime([join(repoRoot, 'operator', 'dist'), join(repoRoot, 'services', 'kit', 'dist')], (f) =>
      f.startsWith(migrations),
    ),
    readFileSync(join(migrations, 'manifest.json'), 'utf8'),
  ];
  const action = await ensureProcess(
    p,
    hashOf([Object.entries(env).sort(), build, readFileSync(kubeconfig, 'utf8')]),
    () =>
      startProcess(p, process.execPath, [join(repoRoot, 'operator', 'dist', 'main.js')], {
        env,
        cwd: repoRoot,
      }),
  );
  await waitReady(p, () => httpOk(`http://127.0.0.1:${s.operatorHealthPort}/readyz`), 30_000);
  return { action, process: p, identity };
}

export const secretSyncProcess = (s: UpSettings) =>
  managedProcess('certificate sync', join(s.runDir, 'secret-sync'), 'secret-sync');

/** Starts the certificate sync (dev/up/secret-sync.ts) unless it runs from the same code. */
export async function ensureSecretSync(s: UpSettings): Promise<EnsureAction> {
  const p = secretSyncProcess(s);
  const script = join(repoRoot, 'dev', 'up', 'secret-sync.ts');
  const env = { PATH: process.env.PATH ?? '', QUIRE_RUN: s.runDir, QUIRE_UP_NAMESPACE: s.namespace };
  return ensureProcess(p, hashOf([env, newestMtime([join(repoRoot, 'dev', 'up')])]), () =>
    startProcess(p, process.execPath, [script], { env, cwd: repoRoot }),
  );
}
