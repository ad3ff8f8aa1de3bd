/**
 * The main job, end to end: what `make up` does (dev/up/up.ts: the operator reconciles the sample
 * Platform on the local stack, the seven services run as local processes configured from their pod
 * templates, nginx routes the HTTPRoutes over mTLS), then the scenario `make up` shows
 * (dev/up/scenario.ts), every step asserted. A platform already brought up by `make up` is reused
 * and left running; one started here is stopped at the end (the stack stays).
 */
import { readFileSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { clusterClients } from '@quire/dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessLog,
  platformRunning,
  readState,
  runDir,
  runScript,
  scrapeCounts,
  spansOf,
  type UpState,
} from './e2e-fixtures.js';

interface Step {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  detail: string;
}
interface Report {
  steps: Step[];
  facts: {
    clientAddress: string;
    alice?: { accessToken: string };
    aliceRoles?: string[];
    aliceLoginAddress?: string;
    admin?: { email: string; roles: string[]; grantedBy?: string };
    document?: { id: string; sha256: string; traceparent: string };
    searchHit?: { id: string };
    bobDownloadSha256?: string;
    export?: { files?: Record<string, string> };
    notification?: { kind: string };
    exportNotification?: { kind: string };
    audit?: { actions: string[]; valid: boolean; checked: number };
    trace?: { traceId: string; services: string[] };
  };
}

const SERVER = 2;
const CONSUMER = 5;

let startedHere = false;
let up: { code: number | null; output: string };
let state: UpState;
let report: Report;
let before: Awaited<ReturnType<typeof scrapeCounts>>;
let after: Awaited<ReturnType<typeof scrapeCounts>>;

const step = (name: string) => {
  const found = report.steps.find((s) => s.name === name);
  if (!found) throw new Error(`the scenario has no step "${name}"`);
  return found;
};
/** A step passed, or was skipped only because its service has no server yet. */
const expectPassed = (name: string) => {
  const s = step(name);
  if (s.status === 'skipped') expect(s.detail).toMatch(/not yet available/);
  else expect(s, s.detail).toMatchObject({ status: 'passed' });
  return s.status === 'passed';
};

beforeAll(async () => {
  startedHere = !platformRunning();
  up = await runScript('dev/up/up.ts', ['--no-scenario'], 240_000);
  if (up.code !== 0) throw new Error(`dev/up/up.ts failed (exit ${up.code}):\n${up.output}`);
  state = readState();
  before = await scrapeCounts(state);
  const json = join(runDir, 'up', 'scenario-e2e.json');
  const ran = await runScript('dev/up/scenario.ts', ['--json', json], 240_000);
  report = JSON.parse(readFileSync(json, 'utf8')) as Report;
  console.log(ran.output);
  // The services export spans every 2 s and the counters are read after the last call.
  await new Promise((r) => setTimeout(r, 2500));
  after = await scrapeCounts(state);
}, 600_000);

afterAll(async () => {
  if (startedHere) await runScript('dev/up/down.ts', [], 120_000);
}, 180_000);

describe('make up', () => {
  it('reaches a Ready Platform in under two minutes, its services spread over three zones', async () => {
    expect(up.output).toMatch(/platform ready in \d+(\.\d+)?s/);
    expect(state.readyInSeconds).toBeLessThan(120);
    const { custom } = clusterClients();
    const platform = (await custom.getNamespacedCustomObject({
      group: 'platform.quire.dev',
      version: 'v1alpha1',
      plural: 'platforms',
      namespace: state.namespace,
      name: state.platform,
    })) as { status: { servicesReady: string; services: { name: string; zones: { zone: string }[] }[] } };
    expect(platform.status.servicesReady).toBe('8/8');
    const auth = platform.status.services.find((s) => s.name === 'auth');
    expect(auth?.zones.map((z) => z.zone).sort()).toEqual(['zone-a', 'zone-b', 'zone-c']);
  });

  it("runs each service with its pod's environment, differing only where one machine must", () => {
    const allowed = new Set([
      'QUIRE_HTTP_PORT',
      'QUIRE_OPS_PORT',
      'QUIRE_TLS_DIR',
      'QUIRE_AUTH_JWKS_URL',
      'QUIRE_SEARCH_KIND',
      'QUIRE_SEARCH_INDEX_PREFIX',
    ]);
    for (const [name, s] of Object.entries(state.services).filter(([, x]) => x.running)) {
      const env = JSON.parse(readFileSync(join(runDir, 'services', name, 'env.json'), 'utf8')) as {
        pod: Record<string, string>;
        local: Record<string, string>;
        differences: { name: string }[];
      };
      for (const d of env.differences) expect(allowed, `${name}: ${d.name}`).toContain(d.name);
      for (const [key, value] of Object.entries(env.pod)) {
        if (!allowed.has(key)) expect(env.local[key], `${name}: ${key}`).toBe(value);
      }
      expect(env.local.QUIRE_TLS_MODE).toBe('mtls');
      expect(env.local.QUIRE_HTTP_PORT).toBe(String(s.api));
    }
  });

  it("routes exactly the operator's HTTPRoutes at the gateway, and nothing else", async () => {
    const { custom } = clusterClients();
    const routes = (await custom.listNamespacedCustomObject({
      group: 'gateway.networking.k8s.io',
      version: 'v1',
      plural: 'httproutes',
      namespace: state.namespace,
    })) as { items: { spec: { rules: { matches: { path: { value: string } }[] }[] } }[] };
    const prefixes = routes.items.flatMap((r) =>
      r.spec.rules.flatMap((rule) => rule.matches.map((m) => m.path.value)),
    );
    expect(prefixes).toEqual(
      expect.arrayContaining(['/', '/v1/auth', '/v1/documents', '/v1/search', '/v1/users']),
    );
    const conf = readFileSync(join(runDir, 'gateway', 'nginx.conf'), 'utf8');
    // `/p` routes become `location = /p`; the `/` route (the web app) becomes `location /`.
    const located = [...conf.matchAll(/location (?:= (\S+)|(\/)) \{ proxy_pass/g)].map((m) => m[1] ?? m[2]);
    expect([...located].sort()).toEqual([...prefixes].sort());
    // The web app takes `/`, but an API path no route matches is still a problem+json 404, not the app.
    const unrouted = await fetch(`${state.gatewayUrl}/v1/nothing-here`);
    expect(unrouted.status).toBe(404);
    expect(unrouted.headers.get('content-type')).toBe('application/problem+json');
  });

  it("serves the web app at / through the gateway, with its pod's headers, and deep links load the app", async () => {
    const home = await fetch(`${state.gatewayUrl}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-security-policy')).toContain("default-src 'self'");
    const page = await home.text();
    expect(page).toContain('<div id="root">');
    const deep = await fetch(`${state.gatewayUrl}/documents/anything`);
    expect(await deep.text()).toBe(page);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page)?.[1] ?? '';
    const asset = await fetch(`${state.gatewayUrl}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    // An API path the gateway routes still reaches its service, not the app.
    const api = await fetch(`${state.gatewayUrl}/v1/documents`);
    expect(api.status).toBe(401);
  });

  it("makes the Platform's first admin from spec.auth.bootstrapAdminEmail, its password kept for the owner only", () => {
    expect(up.output).toMatch(/first admin\s+admin@quire\.local (signed up|logged in), roles [^(]*\badmin\b/);
    const auth = JSON.parse(readFileSync(join(runDir, 'services', 'auth', 'env.json'), 'utf8')) as {
      pod: Record<string, string>;
    };
    expect(auth.pod.QUIRE_AUTH_BOOTSTRAP_ADMIN_EMAIL).toBe('admin@quire.local');
    const password = join(runDir, 'up', 'admin-password');
    expect(statSync(password).mode & 0o777).toBe(0o600);
    expect(readFileSync(password, 'utf8').trim().length).toBeGreaterThanOrEqual(12);
  });

  it('refuses a client without a platform certificate on every API port', async () => {
    for (const [name, s] of Object.entries(state.services).filter(([, x]) => x.running)) {
      const outcome = await new Promise<string>((resolve) => {
        const req = request(
          { host: '127.0.0.1', port: s.api, path: '/openapi.json', rejectUnauthorized: false, agent: false },
          (res) => resolve(`HTTP ${res.statusCode}`),
        );
        req.on('error', (e) => resolve(`refused: ${e.message}`));
        req.end();
      });
      expect(outcome, name).toMatch(/^refused/);
    }
  });
});

describe('the scenario, through the gateway', () => {
  it('signs up, logs in and creates a profile', () => {
    expectPassed('sign up');
    expectPassed('log in');
    expectPassed('profile');
    expect(report.facts.alice?.accessToken.split('.')).toHaveLength(3);
    // Nobody is made an admin behind Auth's back: alice stays a user.
    expect(report.facts.aliceRoles).toEqual(['user']);
  });

  it('uploads a document and finds it by search', () => {
    expectPassed('upload a document');
    if (expectPassed('find it by search')) expect(report.facts.searchHit?.id).toBe(report.facts.document?.id);
  });

  it('shares it, and the other user downloads the same bytes', () => {
    expectPassed('share it');
    expect(report.facts.bobDownloadSha256).toBe(report.facts.document?.sha256);
  });

  it("exports it, and the archive's file is byte-identical to the upload", () => {
    if (!expectPassed('export and download')) return;
    const files = report.facts.export?.files ?? {};
    const mine = Object.entries(files).find(([path]) =>
      path.startsWith(`documents/${report.facts.document?.id}/`),
    );
    expect(mine?.[1]).toBe(report.facts.document?.sha256);
  });

  it('notifies the user it was shared with, and the requester that the export is ready', () => {
    if (!expectPassed('notifications')) return;
    expect(report.facts.notification?.kind).toBe('document.shared');
    if (step('export and download').status === 'passed') {
      expect(report.facts.exportNotification?.kind).toBe('export.ready');
    }
  });

  it('records the audit trail, whose chain verifies', () => {
    if (!expectPassed('audit trail')) return;
    expect(report.facts.audit?.actions).toEqual(
      expect.arrayContaining(['document.created', 'document.shared']),
    );
    expect(report.facts.audit?.valid).toBe(true);
  });

  it('reads the audit trail as the first admin, made one by the bootstrap setting rather than by SQL', () => {
    if (!expectPassed('audit trail')) return;
    expect(report.facts.admin).toMatchObject({
      email: 'admin@quire.local',
      roles: expect.arrayContaining(['admin']),
      grantedBy: 'setting:QUIRE_AUTH_BOOTSTRAP_ADMIN_EMAIL',
    });
  });

  it("counts the run as its own client: Auth takes the address from the gateway's X-Forwarded-For", () => {
    if (!expectPassed('audit trail')) return;
    expect(report.facts.clientAddress).toMatch(/^127\.(\d+)\.(\d+)\.(\d+)$/);
    expect(report.facts.clientAddress).not.toBe('127.0.0.1');
    expect(report.facts.aliceLoginAddress).toBe(report.facts.clientAddress);
  });

  it('shows the Platform with quire status', () => {
    expectPassed('quire status');
    expect(step('quire status').detail).toMatch(/Ready/);
  });

  it('follows one trace from the gateway through document and Kafka to audit', () => {
    expectPassed('trace');
    const traceId = report.facts.document?.traceparent.split('-')[1] ?? '';
    // The gateway started the trace: its request id is the trace id, in its access log.
    const upload = accessLog(state).find((l) => l.request_id === traceId);
    expect(upload).toMatchObject({ method: 'POST', status: 201 });
    expect(upload?.uri).toMatch(/^\/v1\/documents\?/);
    const spans = spansOf(state, traceId);
    const server = spans.find((s) => s.service === 'document' && s.kind === SERVER);
    expect(server?.name).toBe('POST /v1/documents');
    expect(server?.parentSpanId).toBe(upload?.traceparent.split('-')[2]);
    const consumers = state.services.audit?.running ? ['audit'] : ['search'];
    for (const service of consumers) {
      const consumed = spans.find((s) => s.service === service && s.kind === CONSUMER);
      expect(consumed?.attributes['messaging.destination.name'], service).toBe('quire.document.events');
    }
  });

  it("is counted in every service's /metrics", () => {
    for (const name of Object.keys(after)) {
      const [b, a] = [before[name], after[name]];
      const counted = (a?.requests ?? 0) - (b?.requests ?? 0) + (a?.events ?? 0) - (b?.events ?? 0);
      expect(counted, `${name}: requests and consumed events during the scenario`).toBeGreaterThan(0);
    }
    for (const name of ['auth', 'user', 'document', 'search']) {
      expect((after[name]?.requests ?? 0) - (before[name]?.requests ?? 0), name).toBeGreaterThan(0);
    }
  });
});
