/** The closing lines of `make up`: where to look, what to type, how to stop. */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { localAdminEmail } from './local-admin.ts';
import { repoRoot, type UpSettings, type UpState } from './settings.ts';

/** Prints the URLs, commands and files worth knowing about the running platform. */
export function printNextSteps(
  s: UpSettings,
  state: UpState,
  o: { heading: (s: string) => void; operatorLog: string; collectorLog: string },
): void {
  const rel = (p: string) => relative(process.cwd(), p);
  const gateway = state.gatewayUrl.replace('127.0.0.1', 'localhost');
  const cli = existsSync(join(repoRoot, 'node_modules', '.bin', 'quire'))
    ? 'npx quire'
    : 'node clients/cli/dist/main.js';
  const ops = Object.entries(state.services)
    .filter(([, x]) => x.running)
    .map(([name, x]) => `${name} :${x.ops}`)
    .join(', ');
  const kube = `KUBECONFIG=${rel(state.kubeconfig)}`;
  o.heading('Where to look next');
  const rows: [string, string][] = [
    ['Gateway', `${gateway}  (routes ${state.gatewayPrefixes.join(', ')})`],
    [
      'quire CLI',
      `${cli} login --server ${gateway} --email you@example.com   (then: docs upload <file>, search <words>, export)`,
    ],
    ['', `${kube} ${cli} status -n ${s.namespace}`],
    [
      'Admin',
      `${localAdminEmail}, password in ${rel(state.adminPasswordFile)} (the Platform's first admin: spec.auth.bootstrapAdminEmail)`,
    ],
    ['kubectl', `${kube} kubectl -n ${s.namespace} get platform,deploy,pods,httproutes -o wide`],
    [
      'Logs',
      `${o.operatorLog}, ${rel(join(s.runDir, 'services'))}/<name>/<name>.log, ${rel(state.gatewayAccessLog)}`,
    ],
    [
      'Pod env',
      `${rel(join(s.runDir, 'services'))}/<name>/env.json: the pod's environment, the local one, and why they differ`,
    ],
    ['Traces', `${rel(state.spansFile)} (grep a trace id from the gateway's access log)`],
    ['Metrics', `http://127.0.0.1:<port>/metrics for ${ops}; operator :${s.operatorMetricsPort}`],
    ['Again', 'make up (keeps what runs unchanged); the scenario alone: node dev/up/scenario.ts'],
    ['Stop', 'make down  (the services, gateway, operator and collector, then the stack)'],
  ];
  for (const [label, text] of rows) console.log(`  ${label.padEnd(10)} ${text}`);
}
