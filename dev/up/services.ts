/**
 * The seven services as local processes: `node services/<name>/dist/server.js` with the environment
 * its pod would get (see pod-env.ts and local-env.ts) and its certificate files, pid and log under
 * .run/services/<name>/. A service whose environment and build are unchanged keeps running (the kit
 * reloads renewed certificate files itself); otherwise it is restarted, as a rollout replaces pods.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ServiceName, servicePaths } from '@quire/kit/catalogue';
import type { Difference } from './local-env.ts';
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
import { repoRoot } from './settings.ts';

export const serviceProcess = (runDir: string, service: ServiceName): ManagedProcess =>
  managedProcess(`service ${service}`, join(runDir, 'services', service), service);

/**
 * Starts, restarts or keeps one service. The pod's and the local environment and their differences
 * are written to env.json beside the log (mode 0600: it holds Secret values, as the pod's env does).
 */
export async function runService(options: {
  runDir: string;
  service: ServiceName;
  env: Record<string, string>;
  podEnv: Record<string, string>;
  differences: readonly Difference[];
  force?: boolean;
}): Promise<{ process: ManagedProcess; action: EnsureAction }> {
  const { service } = options;
  const p = serviceProcess(options.runDir, service);
  const build = newestMtime([
    join(repoRoot, 'services', service, 'dist'),
    join(repoRoot, 'services', 'kit', 'dist'),
  ]);
  const action = await ensureProcess(
    p,
    hashOf([Object.entries(options.env).sort(), build]),
    () => {
      // A pod's environment is only what the kubelet gives it; PATH is the one variable added.
      const env = { ...options.env, PATH: process.env.PATH ?? '/usr/bin:/bin' };
      startProcess(p, process.execPath, [join(repoRoot, 'services', service, 'dist', 'server.js')], {
        env,
        cwd: repoRoot,
      });
      const record = { pod: options.podEnv, local: options.env, differences: options.differences };
      writeFileSync(join(p.dir, 'env.json'), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    },
    options.force,
  );
  return { process: p, action };
}

/** Waits for a service's readiness endpoint, as its pod's readinessProbe would. */
export function waitServiceReady(p: ManagedProcess, opsPort: number, timeoutMs = 60_000): Promise<void> {
  return waitReady(p, () => httpOk(`http://127.0.0.1:${opsPort}${servicePaths.readiness}`), timeoutMs);
}
