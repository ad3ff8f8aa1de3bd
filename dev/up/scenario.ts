/**
 * The scenario `make up` ends with and the e2e suite asserts: sign up and log in, upload, find it by
 * search, share it, export it, see the notifications and the audit trail, follow one request's trace,
 * and `quire status`. Steps whose service has no server yet are skipped with a line saying so.
 *
 * node dev/up/scenario.ts [--json report.json]   (after make up)
 */
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import type { ServiceName } from '@quire/kit/catalogue';
import { poll } from './api-client.ts';
import { audit, notifications } from './scenario-consumers.ts';
import { exportDocuments } from './scenario-export.ts';
import {
  type Facts,
  logIn,
  newContext,
  profile,
  type StepContext,
  search,
  share,
  signUp,
  upload,
} from './scenario-steps.ts';
import { loadStackEnv, readUpState, repoRoot, serviceAvailable, type UpState } from './settings.ts';

const run = promisify(execFile);

export interface StepResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  ms: number;
  detail: string;
}

export interface ScenarioReport {
  steps: StepResult[];
  passed: number;
  failed: number;
  skipped: number;
  facts: Facts;
}

interface CollectedSpan {
  traceId: string;
  service: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

/** Follows the upload's trace: the gateway started it; document served it; its event crossed Kafka to the consumers. */
async function followTrace(c: StepContext, collectorUrl: string): Promise<string> {
  const doc = c.facts.document;
  const traceId = doc?.traceparent.split('-')[1];
  if (!traceId) throw new Error('needs the upload and its traceresponse header');
  const consumers = (['audit', 'search', 'notification'] as const).filter(
    (s) => c.state.services[s]?.running,
  );
  const spans = await poll(
    `spans of trace ${traceId} from document and ${consumers.join(', ')}`,
    async () => {
      const r = await fetch(`${collectorUrl}/v1/traces/${traceId}`);
      const found = ((await r.json()) as { spans: CollectedSpan[] }).spans;
      const server = found.some((s) => s.service === 'document' && s.kind === 2);
      const consumed = consumers.every((svc) =>
        found.some(
          (s) =>
            s.service === svc &&
            s.kind === 5 &&
            s.attributes['messaging.destination.name'] === 'quire.document.events',
        ),
      );
      return server && consumed ? found : undefined;
    },
    // The services export in batches every 2 s.
    30_000,
  );
  c.facts.trace = {
    traceId,
    services: [...new Set(spans.map((s) => s.service))],
    spans: spans.map((s) => ({ service: s.service, name: s.name, kind: s.kind })),
  };
  const server = spans.find((s) => s.service === 'document' && s.kind === 2);
  return `trace ${traceId}: gateway (nginx ${doc?.traceparent.split('-')[2]}) → document "${server?.name}" → quire.document.events → ${consumers.join(', ')} (${spans.length} spans)`;
}

/** `quire status` from the CLI, or kubectl when the CLI is not built. */
async function platformStatus(c: StepContext): Promise<string> {
  const cli = join(repoRoot, 'clients', 'cli', 'dist', 'main.js');
  const kube = ['--kubeconfig', c.state.kubeconfig, '-n', c.state.namespace];
  const { stdout } = existsSync(cli)
    ? await run(process.execPath, [cli, 'status', c.state.platform, ...kube], { timeout: 30_000 })
    : await run(process.env.QUIRE_KUBECTL ?? 'kubectl', ['get', 'platform', c.state.platform, ...kube]);
  return `${existsSync(cli) ? 'quire status' : 'kubectl get platform (the quire CLI is not built)'}:\n${stdout.trimEnd().replace(/^/gm, '      ')}`;
}

/** Runs every step, printing each with its time; never throws for a failed step. */
export async function runScenario(
  state: UpState,
  o: { print: (line: string) => void },
): Promise<ScenarioReport> {
  const c = newContext(state);
  const steps: StepResult[] = [];
  const unavailable = (s: ServiceName) =>
    serviceAvailable(s) ? undefined : `the ${s} service is not yet available`;
  const plan: [string, (c: StepContext) => Promise<string>, string | undefined][] = [
    ['sign up', signUp, undefined],
    ['log in', logIn, undefined],
    ['profile', profile, undefined],
    ['upload a document', upload, undefined],
    ['find it by search', search, unavailable('search')],
    ['share it', share, undefined],
    ['export and download', exportDocuments, unavailable('export')],
    ['notifications', notifications, unavailable('notification')],
    ['audit trail', audit, unavailable('audit')],
    ['trace', (x) => followTrace(x, state.collectorUrl), undefined],
    ['quire status', platformStatus, undefined],
  ];
  for (const [name, step, skip] of plan) {
    const started = Date.now();
    let result: StepResult;
    if (skip) result = { name, status: 'skipped', ms: 0, detail: skip };
    else {
      try {
        result = { name, status: 'passed', ms: 0, detail: await step(c) };
      } catch (error) {
        result = {
          name,
          status: 'failed',
          ms: 0,
          detail: error instanceof Error ? error.message : String(error),
        };
      }
    }
    result.ms = Date.now() - started;
    steps.push(result);
    const mark = { passed: '✓', failed: '✗', skipped: '-' }[result.status];
    const time = result.status === 'skipped' ? '' : `${(result.ms / 1000).toFixed(1)}s`.padStart(6);
    o.print(`  ${mark} ${name.padEnd(20)}${time}  ${result.detail}`);
  }
  const count = (s: StepResult['status']) => steps.filter((x) => x.status === s).length;
  const report = {
    steps,
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    facts: c.facts,
  };
  o.print(`  ${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`);
  return report;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'string' } } });
  loadStackEnv();
  const report = await runScenario(readUpState(), { print: (l) => console.log(l) });
  if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
  if (report.failed > 0) process.exitCode = 1;
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
