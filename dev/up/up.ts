/**
 * `make up`: the whole platform on this machine, from the running stack to a scenario that uses it.
 * CRDs → collector and operator → namespace, Secrets, database, buckets → the sample Platform,
 * watched until Ready → each service as a local process configured from its pod template → the
 * nginx gateway generated from the HTTPRoutes → the first admin signed up → the scenario → where to
 * look next. Every step is idempotent: a second run keeps what runs unchanged and restarts what was
 * rebuilt.
 *
 * node dev/up/up.ts [--no-scenario]   (the stack must be up: make stack-up)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { stackSetting } from '@quire/dev';
import { GatewayClient } from './api-client.ts';
import {
  collectorProcess,
  ensureCollector,
  ensureOperator,
  ensureSecretSync,
  operatorProcess,
  packageMigrations,
  spansFile,
} from './control-plane.ts';
import { apply } from './kube.ts';
import { adminPasswordFile, requireAdminRole, signInLocalAdmin } from './local-admin.ts';
import { type LocalPlatform, startLocalPlatform } from './local-platform.ts';
import { printNextSteps } from './next-steps.ts';
import { localPlatform } from './platform-manifest.ts';
import { summarise, waitForReady } from './progress.ts';
import { createNamespaceAndSecrets, ensureBuckets, ensureDatabase, installCrds } from './provision.ts';
import { runScenario } from './scenario.ts';
import { serviceProcess } from './services.ts';
import { loadStackEnv, repoRoot, stateFile, type UpSettings, type UpState, upSettings } from './settings.ts';
import { repairTopics } from './topic-health.ts';

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const heading = (s: string) =>
  console.log(`${process.stdout.isTTY ? '\x1b[1;34m==>\x1b[0m' : '==>'} ${bold(s)}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const rel = (p: string) => relative(process.cwd(), p) || '.';

/** Runs one step, printing its outcome and time. */
async function step<T>(
  what: string,
  run: () => Promise<T>,
  outcome: (value: T) => string = () => '',
): Promise<T> {
  const started = Date.now();
  const value = await run();
  const detail = outcome(value);
  console.log(`  ✓ ${what}${detail ? ` (${detail})` : ''}  ${seconds(Date.now() - started)}`);
  return value;
}

function writeState(s: UpSettings, local: LocalPlatform, readyInSeconds: number): UpState {
  const state: UpState = {
    namespace: s.namespace,
    platform: s.platform,
    gatewayUrl: local.gateway.url,
    gatewayTlsDir: local.gateway.tlsDir,
    gatewayPrefixes: local.gateway.prefixes,
    gatewayAccessLog: local.gateway.accessLog,
    spansFile: spansFile(s),
    collectorUrl: `http://127.0.0.1:${s.collectorPort}`,
    kubeconfig: stackSetting('KUBECONFIG'),
    databaseUrl: `${stackSetting('QUIRE_POSTGRES_URL').replace(/\/[^/]*$/, '')}/${s.database}`,
    adminPasswordFile: adminPasswordFile(s.runDir),
    readyInSeconds,
    services: Object.fromEntries(
      Object.entries(s.services).map(([name, ports]) => [
        name,
        {
          ...ports,
          host: `${s.platform}-${name}.${s.namespace}.svc`,
          log: serviceProcess(s.runDir, name as never).log,
          running: local.services.some((x) => x.service === name),
        },
      ]),
    ),
  };
  mkdirSync(dirname(stateFile(s)), { recursive: true });
  writeFileSync(stateFile(s), `${JSON.stringify(state, null, 2)}\n`);
  return state;
}

// kafkajs 2.2.4 schedules a negative timeout on Node.js 24 (harmless, known upstream); its warning would only confuse.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'TimeoutNegativeWarning') console.warn(`${w.name}: ${w.message}`);
});

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'no-scenario': { type: 'boolean', default: false } } });
  const began = Number(process.env.QUIRE_UP_STARTED_MS ?? Date.now());
  const upBegan = Date.now();
  loadStackEnv();
  const s = upSettings();
  heading(`Quire on this machine: Platform ${s.namespace}/${s.platform}`);
  await step('CRDs installed: Platform, Gateway API', installCrds);
  await step('migrations packaged for the operator', async () => packageMigrations());
  await step(
    'trace collector',
    () => ensureCollector(s),
    (a) => `${a}; http://127.0.0.1:${s.collectorPort}`,
  );
  await step(`namespace ${s.namespace}, Secrets, database ${s.database}, buckets`, async () => {
    await createNamespaceAndSecrets(s);
    await ensureDatabase(s);
    await ensureBuckets(s);
  });
  await step(
    'operator',
    () => ensureOperator(s),
    ({ action, identity }) => `${action} ${identity}; log ${rel(operatorProcess(s).log)}`,
  );
  await step('sample Platform applied (examples/platform-minimal.yaml on the local stack)', () =>
    apply([localPlatform(s)]),
  );

  heading('Waiting for the Platform to be Ready');
  const platform = await waitForReady(s.namespace, s.platform, {
    timeoutMs: 150_000,
    print: (l) => console.log(l),
  });
  const restartClients = await repairTopics(s, platform, (l) => console.log(l));
  for (const line of summarise(platform)) console.log(line);
  const readyMs = Date.now() - began;
  const extra = began < upBegan ? ` (${seconds(upBegan - began)} of it in install, build and stack-up)` : '';
  heading(`platform ready in ${seconds(readyMs)}${extra}`);

  heading('Services as local processes, configured as their pods');
  const local = await startLocalPlatform(s, platform, (l) => console.log(`  ${l}`), restartClients);
  for (const x of local.services) {
    const ports = s.services[x.service];
    const differs = x.differences.map((d) => d.name).join(', ');
    console.log(
      `  ✓ ${x.service.padEnd(13)} https://127.0.0.1:${ports.api} (mTLS), ops :${ports.ops}  ${x.action.padEnd(9)} differs from the pod: ${differs}`,
    );
  }
  for (const name of local.unavailable)
    console.log(`  - ${name.padEnd(13)} not yet available (services/${name} has no server yet)`);
  console.log(
    `  ✓ gateway       ${local.gateway.url} (nginx; ${local.gateway.routes} HTTPRoutes; config ${rel(local.gateway.config)})`,
  );
  const sync = await ensureSecretSync(s);
  console.log(
    `  ✓ certificate sync (${sync}): renewed certificates reach the processes as the kubelet's volume updates would`,
  );
  for (const skipped of local.gateway.skipped) console.log(`    route skipped: ${skipped}`);
  const state = writeState(s, local, readyMs / 1000);
  const admin = requireAdminRole(
    await signInLocalAdmin(new GatewayClient(state.gatewayUrl), state.adminPasswordFile),
    s.database,
  );
  console.log(
    `  ✓ first admin   ${admin.email} ${admin.action}, roles ${admin.roles.join(', ')} (spec.auth.bootstrapAdminEmail; password in ${rel(state.adminPasswordFile)})`,
  );

  if (!values['no-scenario']) {
    heading('Scenario: what a user does, through the gateway');
    const report = await runScenario(state, { print: (l) => console.log(l) });
    if (report.failed > 0) process.exitCode = 1;
  }
  printNextSteps(s, state, {
    heading,
    operatorLog: rel(operatorProcess(s).log),
    collectorLog: rel(collectorProcess(s).log),
  });
  console.log(`  (finished in ${seconds(Date.now() - began)}; repository ${rel(repoRoot)})`);
}

main().catch((error: unknown) => {
  console.error(`\x1b[1;31merror:\x1b[0m ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
