/**
 * What the end-to-end suite needs around `make up`'s own scripts: running them as a person would (as
 * processes, with their output kept for the failure message), the state they leave in .run/, each
 * service's /metrics, the collector's spans and the gateway's access log.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const runDir = process.env.QUIRE_RUN ?? join(repoRoot, '.run');

export interface Ran {
  code: number | null;
  output: string;
}

/** Runs `node <script> ...args` from the repository root; resolves with its exit code and output. */
export function runScript(script: string, args: string[], timeoutMs: number): Promise<Ran> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [join(repoRoot, script), ...args], {
      cwd: repoRoot,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output });
    });
  });
}

/** The state `make up` wrote (dev/up/settings.ts UpState). */
export interface UpState {
  namespace: string;
  platform: string;
  gatewayUrl: string;
  gatewayAccessLog: string;
  spansFile: string;
  readyInSeconds: number;
  services: Record<string, { api: number; ops: number; host: string; running: boolean }>;
}

export const readState = (): UpState =>
  JSON.parse(readFileSync(join(runDir, 'up', 'state.json'), 'utf8')) as UpState;

/** True when the gateway `make up` started is running (a developer's platform is up). */
export function platformRunning(): boolean {
  const pidFile = join(runDir, 'gateway', 'pid');
  if (!existsSync(pidFile)) return false;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

/** The sum of a counter over all its series in a Prometheus text exposition. */
export function counterSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Each running service's request and consumed-event counts, from its ops port. */
export async function scrapeCounts(
  state: UpState,
): Promise<Record<string, { requests: number; events: number }>> {
  const out: Record<string, { requests: number; events: number }> = {};
  for (const [name, s] of Object.entries(state.services)) {
    if (!s.running) continue;
    const text = await (await fetch(`http://127.0.0.1:${s.ops}/metrics`)).text();
    out[name] = {
      requests: counterSum(text, 'http_server_requests_total'),
      events: counterSum(text, 'kafka_consumer_events_total'),
    };
  }
  return out;
}

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  service: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

/** The collected spans of one trace. */
export function spansOf(state: UpState, traceId: string): Span[] {
  return readFileSync(state.spansFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes(traceId))
    .map((l) => JSON.parse(l) as Span);
}

/** The gateway's access log entries (JSON lines). */
export function accessLog(state: UpState): {
  request_id: string;
  traceparent: string;
  method: string;
  uri: string;
  status: number;
  upstream: string;
}[] {
  return readFileSync(state.gatewayAccessLog, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}
