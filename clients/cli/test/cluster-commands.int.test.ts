// The cluster half of the CLI, run as a subprocess against the local cluster, with the operator
// running in-process and scoped to the test's namespace (the operator tests' own fixtures), and a
// Platform made from examples/platform-minimal.yaml pointed at the local stack.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestNamespace, type TestNamespace, waitFor } from '@quire/dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  applyPlatform,
  createSampleSecrets,
  ensurePlatformCrd,
  getObject,
  onLocalStack,
  patchPlatformSpec,
  settled,
  startTestOperator,
  stopTestOperator,
} from '../../../operator/test/workloads/operator-fixtures.js';
import { type Manifest, sampleManifest } from '../../../operator/test/workloads/sample-platforms.js';
import type { CertsView } from '../src/kube/certs.js';
import type { DiffView } from '../src/kube/diff.js';
import type { StatusView } from '../src/kube/platform-view.js';
import type { EventsView } from '../src/kube/status.js';
import { quire, quireJson } from './fixtures/run-cli.js';

let ns: TestNamespace;
let operator: Awaited<ReturnType<typeof startTestOperator>> | undefined;
let work: string;
const suffix = Math.random().toString(36).slice(2, 8);

/** Schemas of this run's own, so a concurrent run on the same PostgreSQL never shares one. */
const ownSchemas = (m: Manifest) => {
  m.spec.postgres.schemas = Object.fromEntries(
    ['auth', 'user', 'document', 'notification', 'export', 'audit'].map((s) => [
      s,
      { name: `cli_${suffix}_${s}` },
    ]),
  );
};
const deploymentReplicas = async (service: string) =>
  (
    (
      await getObject(
        { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true },
        ns.name,
        `quire-${service}`,
      )
    )?.spec as { replicas?: number } | undefined
  )?.replicas;
const inNs = () => ['-n', ns.name];

beforeAll(async () => {
  await ensurePlatformCrd();
  ns = await createTestNamespace('cli');
  work = mkdtempSync(join(tmpdir(), 'quire-cli-'));
  await createSampleSecrets(ns.name);
  operator = await startTestOperator(ns.name);
  await applyPlatform(ns.name, ownSchemas);
});
afterAll(async () => {
  await stopTestOperator(operator, ns?.name);
  await ns?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a cluster operator with the quire CLI', () => {
  it('waits with quire wait until the Platform is Ready, then quire status -o json shows what the operator reports', async () => {
    const waited = await quire(['wait', ...inNs(), '--for', 'ready', '--timeout', '90s']);
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stdout).toMatch(new RegExp(`Platform ${ns.name}/quire is Ready \\(generation 1\\)`));

    const status = await quireJson<StatusView>(['status', ...inNs()]);
    expect(Object.keys(status).sort()).toEqual(
      [
        'certificates',
        'conditions',
        'generation',
        'name',
        'namespace',
        'observedGeneration',
        'paused',
        'ready',
        'schemas',
        'services',
        'servicesReady',
        'topics',
      ].sort(),
    );
    expect(status).toMatchObject({
      name: 'quire',
      namespace: ns.name,
      ready: true,
      paused: false,
      servicesReady: '8/8',
    });
    expect(status.conditions.map((c) => c.type)).toEqual(
      expect.arrayContaining(['Ready', 'WorkloadsReady', 'CertificatesReady', 'TopicsReady', 'SchemasReady']),
    );
    const document = status.services.find((s) => s.name === 'document');
    expect(document).toMatchObject({ readyReplicas: 4, desiredReplicas: 4 });
    expect(document?.zones.reduce((sum, z) => sum + z.desiredReplicas, 0)).toBe(4);
    expect(status.certificates.map((c) => c.name)).toEqual(
      expect.arrayContaining(['ca', 'auth', 'document']),
    );
    expect(status.topics.map((t) => t.name)).toContain('quire.document.events');
    expect(status.schemas.map((s) => s.schema)).toContain(`cli_${suffix}_auth`);
  });

  it('draws quire status as plain tables when piped: no colour codes', async () => {
    const result = await quire(['status', 'quire', ...inNs()], { env: { NO_COLOR: undefined } });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Platform ${ns.name}/quire: Ready`);
    expect(result.stdout).toMatch(/SERVICE\s+READY\s+ZONE-A\s+ZONE-B\s+ZONE-C\s+IMAGE/);
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('shows with quire diff -f that a replica change alters the Platform field and the document Deployment, and writes nothing', async () => {
    const manifest = sampleManifest('platform-minimal');
    manifest.metadata = { ...manifest.metadata, namespace: ns.name };
    onLocalStack(manifest);
    ownSchemas(manifest);
    manifest.spec.services = { document: { replicas: 6 } };
    const file = join(work, 'platform.yaml');
    writeFileSync(file, stringify(manifest));

    const diff = await quireJson<DiffView>(['diff', '-f', file]);
    const [platform] = diff.platforms;
    expect(platform).toMatchObject({ namespace: ns.name, name: 'quire', action: 'change', paused: false });
    expect(platform?.fields).toEqual([{ path: 'spec.services.document.replicas', before: 4, after: 6 }]);
    expect(
      platform?.objects.map((o) => ({ kind: o.kind, name: o.name, action: o.action, fields: o.fields })),
    ).toEqual([{ kind: 'Deployment', name: 'quire-document', action: 'change', fields: ['spec.replicas'] }]);

    const human = await quire(['diff', '-f', file, ...inNs()]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('spec.services.document.replicas: 4 -> 6');
    expect(human.stdout).toContain('+  replicas: 6');
    expect(await deploymentReplicas('document')).toBe(4);
  });

  it('pauses with quire pause so the operator ignores spec changes, and quire resume makes it apply them', async () => {
    const paused = await quire(['pause', ...inNs()]);
    expect(paused.code, paused.stderr).toBe(0);
    const status = await quireJson<StatusView>(['status', ...inNs()]);
    expect(status.paused).toBe(true);
    expect(status.conditions.find((c) => c.type === 'ReconciliationPaused')).toMatchObject({
      status: 'True',
      reason: 'Paused',
    });

    await patchPlatformSpec(ns.name, 'quire', { services: { document: { replicas: 5 } } });
    if (operator) await settled(operator);
    expect(await deploymentReplicas('document')).toBe(4);

    const resumed = await quire(['resume', ...inNs()]);
    expect(resumed.code, resumed.stderr).toBe(0);
    await waitFor('the document Deployment to be scaled to 5', async () =>
      (await deploymentReplicas('document')) === 5 ? true : undefined,
    );
    const ready = await quire(['wait', ...inNs(), '--timeout', '90s']);
    expect(ready.code, ready.stderr).toBe(0);
  });

  it('exits 1 from quire wait on timeout, naming the blocking condition and its message', async () => {
    const result = await quire(['wait', ...inNs(), '--for', 'paused', '--timeout', '2s']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Timed out after 2s waiting for Platform ${ns.name}/quire to be paused`);
    expect(result.stderr).toContain('ReconciliationPaused=False (NotPaused): spec.paused is false');
  });

  it('renews one certificate with quire certs --renew: the operator gives that Secret a new key, once, and leaves the others', async () => {
    const secretKind = { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true };
    const secret = (service: string) => getObject(secretKind, ns.name, `quire-${service}-tls`);
    const [auth, document] = [await secret('auth'), await secret('document')];

    const renew = await quire(['certs', ...inNs(), '--renew', 'auth']);
    expect(renew.code, renew.stderr).toBe(0);
    expect(renew.stderr).toContain(
      `Requested a renewal of auth in Platform ${ns.name}/quire (platform.quire.dev/renew-certificates=auth@`,
    );
    expect(renew.stdout).toContain(`Platform ${ns.name}/quire, issuer BuiltIn`);
    const renewedOnRequest = async () =>
      (await quireJson<EventsView>(['events', ...inNs(), '--limit', '500'])).items.filter(
        (e) => e.reason === 'CertificateRenewed' && /of auth .*renewal was requested/.test(e.note),
      );
    await waitFor(
      'the auth certificate renewed on request',
      async () => ((await renewedOnRequest()).length > 0 ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 1000 },
    );
    const tlsKey = (s: Awaited<ReturnType<typeof secret>>) =>
      (s?.data as Record<string, string> | undefined)?.['tls.key'];
    const after = await secret('auth');
    expect(tlsKey(after)).not.toBe(tlsKey(auth));
    expect((await secret('document'))?.metadata.resourceVersion).toBe(document?.metadata.resourceVersion);
    // The request stays on the Platform; the operator does not act on it again.
    if (operator) await settled(operator);
    expect((await secret('auth'))?.metadata.resourceVersion).toBe(after?.metadata.resourceVersion);
    expect((await renewedOnRequest()).map((e) => e.count)).toEqual([1]);
  });

  it('lists certificates with their expiry, and quire certs --rotate starts a CA rotation the operator reports', async () => {
    const certs = await quireJson<CertsView>(['certs', ...inNs()]);
    expect(certs).toMatchObject({
      platform: `${ns.name}/quire`,
      issuer: 'BuiltIn',
      ready: { status: 'True' },
    });
    expect(certs.certificates.find((c) => c.name === 'auth')?.expiresInSeconds).toBeGreaterThan(3600);

    const rotate = await quire(['certs', ...inNs(), '--rotate']);
    expect(rotate.code, rotate.stderr).toBe(0);
    expect(rotate.stderr).toContain('Requested a CA rotation');
    await waitFor(
      'the CaRotationStarted event',
      async () => {
        const events = await quireJson<EventsView>(['events', ...inNs()]);
        return events.items.some((e) => e.reason === 'CaRotationStarted') ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1000 },
    );
  });

  it('lists the Platform’s events with quire events, newest last, in the documented shape', async () => {
    const events = await quireJson<EventsView>(['events', ...inNs(), '--limit', '5']);
    expect(events.platform).toBe(`${ns.name}/quire`);
    expect(events.items.length).toBeGreaterThan(0);
    expect(events.items.length).toBeLessThanOrEqual(5);
    expect(Object.keys(events.items[0] ?? {}).sort()).toEqual([
      'action',
      'count',
      'note',
      'reason',
      'reportingController',
      'time',
      'type',
    ]);
    const times = events.items.map((e) => Date.parse(e.time ?? ''));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('says how to find a Platform that does not exist (exit 1), and refuses an unknown context (exit 2)', async () => {
    const missing = await quire(['status', 'nope', ...inNs()]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`There is no Platform nope in namespace ${ns.name}`);
    expect(missing.stderr).toContain('kubectl get platforms -A');

    const context = await quire(['status', '--context', 'no-such-context', ...inNs()]);
    expect(context.code).toBe(2);
    expect(context.stderr).toContain('The kubeconfig has no context no-such-context');
  });
});
