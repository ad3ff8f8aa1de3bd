/**
 * The certificates phase against the local cluster's API server, through the operator's real
 * applier, event recorder and status writer: the Secrets exist, are owned by the Platform (and
 * collected with it), are reissued once the renewal time passes, and a bad CA changes nothing. In
 * cert-manager mode (its Certificate CRD installed, no controller running) the Certificate objects
 * are what is checked.
 */
import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { createTestNamespace, stackSetting, type TestNamespace, waitFor } from '@quire/dev';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parsePlatform, platformCrd } from '../../src/api/index.js';
import { platformAnnotations } from '../../src/pki/annotations.js';
import { CaProblem } from '../../src/pki/ca.js';
import { certificateKind } from '../../src/pki/cert-manager.js';
import { createCertificateExpiryMetric } from '../../src/pki/expiry-metric.js';
import { platformIdentities } from '../../src/pki/identities.js';
import { reconcileCertificates } from '../../src/reconcile/certificates.js';
import type { CertificatesDeps } from '../../src/reconcile/certificates-run.js';
import { platformKind } from '../../src/render/kinds.js';
import { ApiClient, isNotFound, patchTypes } from '../../src/runtime/api-client.js';
import { Applier } from '../../src/runtime/apply.js';
import { EventRecorder } from '../../src/runtime/event-recorder.js';
import { type KubeObject, kinds, type ResourceKind, resourcePath } from '../../src/runtime/resource-kind.js';
import { StatusWriter } from '../../src/runtime/status-writer.js';
import { chainOf, secretText } from './fixtures/chains.js';
import { type Manifest, minimalManifest } from './fixtures/platform.js';

const minute = 60_000;
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(stackSetting('KUBECONFIG'));
const client = new ApiClient(kubeConfig);
const applier = new Applier({ client, fieldManager: 'quire-operator' });
const events = new EventRecorder({
  client,
  reportingController: 'platform.quire.dev/operator',
  reportingInstance: 'certificates-test',
});
const registry = new Registry();
const deps: CertificatesDeps = {
  read: async (kind, key) => get(kind, key.namespace, key.name),
  apply: (kind, desired, options) => applier.apply(kind, desired, options),
  events,
  expiry: createCertificateExpiryMetric(registry),
};

async function get(kind: ResourceKind, namespace: string, name: string): Promise<KubeObject | undefined> {
  try {
    return await client.request<KubeObject>('GET', resourcePath(kind, { namespace, name }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function applyServerSide(kind: ResourceKind, object: KubeObject): Promise<KubeObject> {
  return client.request<KubeObject>(
    'PATCH',
    resourcePath(kind, { namespace: object.metadata.namespace, name: object.metadata.name }),
    {
      query: { fieldManager: 'quire-certificates-test', force: true, fieldValidation: 'Strict' },
      body: object,
      contentType: patchTypes.apply,
    },
  );
}

async function ensureCrd(crd: KubeObject, kind: ResourceKind): Promise<void> {
  await applyServerSide(kinds.customResourceDefinition, crd);
  await waitFor(`the ${kind.plural}.${kind.group} API to be served`, async () =>
    client.request('GET', resourcePath(kind, { namespace: 'default' })).then(() => true),
  );
}

/** Creates (server-side applies) a Platform and returns it as stored, with uid and defaults. */
async function createPlatform(manifest: Manifest): Promise<KubeObject> {
  return applyServerSide(platformKind, manifest as KubeObject);
}

async function reconcile(object: KubeObject, now: Date) {
  const parsed = parsePlatform(object);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const name = object.metadata.name ?? '';
  const namespace = object.metadata.namespace ?? '';
  const outcome = await reconcileCertificates(
    { object, platform: parsed.platform, name, namespace, now },
    deps,
    { caOverlapMs: minute },
  );
  // The status goes through the real writer, so the CRD's status schema checks every field.
  await new StatusWriter({ client }).update(platformKind, object, {
    fields: outcome.fields,
    conditions: [{ ...outcome.condition, observedGeneration: object.metadata.generation ?? 0 }],
  });
  return outcome;
}

describe('the certificates phase on the local cluster', () => {
  let ns: TestNamespace;
  const identities = () =>
    platformIdentities({ platform: 'quire', namespace: ns.name, trustDomain: 'quire.local' });

  beforeAll(async () => {
    await ensureCrd(platformCrd() as unknown as KubeObject, platformKind);
    ns = await createTestNamespace('certs');
  });

  afterAll(async () => {
    await events.flush();
    await ns?.dispose();
  });

  it('issues Secrets owned by the Platform, reissues them when the renewal time passes, and they go with it', async () => {
    const manifest = minimalManifest(ns.name);
    manifest.spec.mtls = { certificateLifetime: '1h', renewBefore: '5m' };
    let platform = await createPlatform(manifest);
    // Issued 56 minutes ago by the operator's clock, so renewal (55 min minus jitter) is due now.
    const first = await reconcile(platform, new Date(Date.now() - 56 * minute));
    expect(first.condition).toMatchObject({ status: 'True', reason: 'Reconciled' });

    const secrets = await Promise.all(identities().map((i) => get(kinds.secret, ns.name, i.secretName)));
    for (const secret of [...secrets, await get(kinds.secret, ns.name, 'quire-ca')]) {
      expect(secret?.type).toBe('kubernetes.io/tls');
      expect(secret?.metadata.ownerReferences).toEqual([
        expect.objectContaining({
          kind: 'Platform',
          name: 'quire',
          uid: platform.metadata.uid,
          controller: true,
        }),
      ]);
    }
    const serialsBefore = secrets.map((s) => chainOf(s)[0]?.serialNumber);

    platform = (await get(platformKind, ns.name, 'quire')) ?? platform;
    const stored = platform.status as { certificates?: Array<{ name: string; notAfter: string }> };
    expect(stored.certificates?.map((c) => c.name)).toEqual(['ca', ...identities().map((i) => i.name)]);
    expect(
      await registry.getSingleMetricAsString('quire_certificate_expiration_timestamp_seconds'),
    ).toContain(`name="auth",secret="quire-auth-tls"`);

    const second = await reconcile(platform, new Date());
    expect(second.condition.status).toBe('True');
    const after = await Promise.all(identities().map((i) => get(kinds.secret, ns.name, i.secretName)));
    expect(after.map((s) => chainOf(s)[0]?.serialNumber).every((s, i) => s !== serialsBefore[i])).toBe(true);
    await events.flush();
    const list = await client.request<{ items: Array<{ reason: string }> }>(
      'GET',
      resourcePath(kinds.event, { namespace: ns.name }),
    );
    const reasons = list.items.map((e) => e.reason);
    expect(reasons.filter((r) => r === 'CertificateIssued')).toHaveLength(identities().length);
    expect(reasons.filter((r) => r === 'CertificateRenewed')).toHaveLength(identities().length);

    await client.request('DELETE', resourcePath(platformKind, { namespace: ns.name, name: 'quire' }));
    await waitFor('the garbage collector to delete the certificate Secrets', async () => {
      const left = await client.request<{ items: KubeObject[] }>(
        'GET',
        resourcePath(kinds.secret, { namespace: ns.name }),
        {
          query: { labelSelector: 'platform.quire.dev/platform=quire' },
        },
      );
      return left.items.length === 0 ? true : undefined;
    });
  });

  it('keeps the issued Secrets untouched and says why when the CA Secret spec.mtls.issuer.caSecretRef names is not a CA', async () => {
    const manifest = minimalManifest(ns.name, 'badca');
    const platform = await createPlatform(manifest);
    await reconcile(platform, new Date());
    const before = await get(kinds.secret, ns.name, 'badca-auth-tls');
    await applyServerSide(kinds.secret, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'user-ca', namespace: ns.name },
      // A leaf's own Secret: a valid certificate and key, but not a CA.
      data: { ...(before?.data as Record<string, string> | undefined) },
    });
    manifest.spec.mtls = { issuer: { caSecretRef: { name: 'user-ca' } } };
    const named = await applyServerSide(platformKind, manifest as KubeObject);
    const outcome = await reconcile(named, new Date());
    expect(outcome.condition).toMatchObject({ status: 'False', reason: CaProblem.NotACa });
    expect((await get(kinds.secret, ns.name, 'badca-auth-tls'))?.metadata.resourceVersion).toBe(
      before?.metadata.resourceVersion,
    );
    const stored = (await get(platformKind, ns.name, 'badca'))?.status as {
      conditions?: Array<{ type: string; reason: string; message: string }>;
    };
    expect(stored.conditions?.find((c) => c.type === 'CertificatesReady')?.message).toMatch(/is not a CA/);
  });

  it('reissues with a new key only the Secret a renew-certificates request names, once per request', async () => {
    const manifest = minimalManifest(ns.name, 'renew');
    await reconcile(await createPlatform(manifest), new Date());
    const renewIdentities = platformIdentities({
      platform: 'renew',
      namespace: ns.name,
      trustDomain: 'quire.local',
    });
    const secrets = async () =>
      Promise.all(renewIdentities.map((i) => get(kinds.secret, ns.name, i.secretName)));
    const before = await secrets();

    const value = `document@${new Date().toISOString()}`;
    manifest.metadata.annotations = { [platformAnnotations.renewCertificates]: value };
    const requested = await applyServerSide(platformKind, manifest as KubeObject);
    const outcome = await reconcile(requested, new Date());
    expect(outcome.condition.status).toBe('True');
    const after = await secrets();
    const changed = renewIdentities
      .filter((_, i) => after[i]?.metadata.resourceVersion !== before[i]?.metadata.resourceVersion)
      .map((i) => i.name);
    expect(changed).toEqual(['document']);
    const d = renewIdentities.findIndex((i) => i.name === 'document');
    expect(chainOf(after[d])[0]?.serialNumber).not.toBe(chainOf(before[d])[0]?.serialNumber);
    expect(secretText(after[d], 'tls.key')).not.toBe(secretText(before[d], 'tls.key'));
    expect(after[d]?.metadata.annotations?.['platform.quire.dev/renew-request']).toBe(value);

    // The request stays on the Platform; acting on it again would loop.
    await reconcile((await get(platformKind, ns.name, 'renew')) ?? requested, new Date());
    expect((await get(kinds.secret, ns.name, 'renew-document-tls'))?.metadata.resourceVersion).toBe(
      after[d]?.metadata.resourceVersion,
    );
    await events.flush();
    const list = await client.request<{
      items: Array<{ reason: string; note: string; regarding: { name: string } }>;
    }>('GET', resourcePath(kinds.event, { namespace: ns.name }));
    const renewed = list.items.filter(
      (e) => e.regarding.name === 'renew' && e.reason === 'CertificateRenewed',
    );
    expect(renewed.map((e) => e.note)).toEqual([
      expect.stringContaining(
        `Renewed the certificate of document (Secret renew-document-tls) because a renewal was requested on the Platform (platform.quire.dev/renew-certificates=${value})`,
      ),
    ]);
  });

  it('applies cert-manager Certificates, owned by the Platform, that the cert-manager CRD accepts', async () => {
    const crd = parse(
      readFileSync(new URL('./fixtures/cert-manager.io_certificates.yaml', import.meta.url), 'utf8'),
    ) as KubeObject;
    await ensureCrd(crd, certificateKind);
    const manifest = minimalManifest(ns.name, 'cm');
    manifest.spec.mtls = {
      issuer: { type: 'CertManager', certManager: { name: 'platform-ca', kind: 'ClusterIssuer' } },
    };
    const platform = await createPlatform(manifest);
    const outcome = await reconcile(platform, new Date());
    expect(outcome.condition).toMatchObject({ status: 'False', reason: 'Issuing' });
    const certificate = await get(certificateKind, ns.name, 'cm-auth');
    expect(certificate?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Platform',
      uid: platform.metadata.uid,
    });
    expect(certificate?.spec).toMatchObject({
      secretName: 'cm-auth-tls',
      uris: [`spiffe://quire.local/ns/${ns.name}/sa/cm-auth`],
      duration: '24h',
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
      issuerRef: { name: 'platform-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    });
    const all = await client.request<{ items: KubeObject[] }>(
      'GET',
      resourcePath(certificateKind, { namespace: ns.name }),
    );
    expect(all.items.map((c) => c.metadata.name).sort()).toEqual(
      platformIdentities({ platform: 'cm', namespace: ns.name, trustDomain: 'quire.local' })
        .map((i) => `cm-${i.name}`)
        .sort(),
    );
  });
});
