import { beforeEach, describe, expect, it } from 'vitest';
import { chainOf, secretText, trusts } from '../../test/certificates/fixtures/chains.js';
import { FakeCluster } from '../../test/certificates/fixtures/fake-cluster.js';
import { type Manifest, minimalManifest, platformOf } from '../../test/certificates/fixtures/platform.js';
import { defined } from '../../test/defined.js';
import { platformAnnotations } from '../pki/annotations.js';
import { CaProblem, createCa } from '../pki/ca.js';
import { certificateKind } from '../pki/cert-manager.js';
import { platformIdentities } from '../pki/identities.js';
import { issueLeaf } from '../pki/leaf.js';
import { parseCertificates } from '../pki/x509.js';
import { kinds } from '../runtime/resource-kind.js';
import { reconcileCertificates } from './certificates.js';

const t0 = new Date('2026-03-01T12:00:00Z');
const minute = 60_000;
const hour = 60 * minute;
const ns = 'prod';
const identities = platformIdentities({ platform: 'quire', namespace: ns, trustDomain: 'quire.local' });
const options = { caOverlapMs: 10 * minute };

let cluster: FakeCluster;
let manifest: Manifest;

beforeEach(() => {
  cluster = new FakeCluster();
  manifest = minimalManifest(ns);
  manifest.metadata.uid = 'platform-uid';
});

async function reconcile(now: Date) {
  const { object, platform } = platformOf(structuredClone(manifest));
  return reconcileCertificates(
    { object, platform, name: 'quire', namespace: ns, now },
    cluster.deps(),
    options,
  );
}
const leafSecrets = () => identities.map((i) => cluster.get(kinds.secret, ns, i.secretName));
const serials = () => leafSecrets().map((s) => chainOf(s)[0]?.serialNumber);
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('the certificates phase with the built-in CA', () => {
  it('issues a CA and a certificate for each service and the gateway, and reports their expiry', async () => {
    const outcome = await reconcile(t0);
    expect(outcome.condition).toMatchObject({
      type: 'CertificatesReady',
      status: 'True',
      reason: 'Reconciled',
    });
    expect(cluster.applied).toHaveLength(1 + identities.length);
    expect(cluster.events.map((e) => e.reason)).toEqual([
      'CaCreated',
      ...identities.map(() => 'CertificateIssued'),
    ]);
    const certificates = (outcome.fields?.certificates ?? []) as Array<{ name: string; notAfter: string }>;
    expect(certificates.map((c) => c.name)).toEqual(['ca', ...identities.map((i) => i.name)]);
    expect(certificates[1]?.notAfter).toBe('2026-03-02T12:00:00Z');
    expect(cluster.expiry.get('auth')?.notAfter).toEqual(new Date('2026-03-02T12:00:00Z'));
    // The next renewal is about two thirds into the 24 h life, a little earlier by the jitter.
    expect(outcome.requeueAfterMs).toBeLessThanOrEqual(16 * hour);
    expect(outcome.requeueAfterMs).toBeGreaterThan(14 * hour);
    for (const secret of leafSecrets()) {
      expect(secret?.type).toBe('kubernetes.io/tls');
      expect(secret?.metadata.ownerReferences?.[0]?.uid).toBe('platform-uid');
      expect(trusts(secret, secret)).toBe(true);
    }
  });

  it('changes nothing when nothing is due', async () => {
    await reconcile(t0);
    cluster.reset();
    const outcome = await reconcile(new Date(t0.getTime() + hour));
    expect(cluster.applied).toEqual([]);
    expect(cluster.events).toEqual([]);
    expect(outcome.condition.status).toBe('True');
  });

  it('renews each certificate with a new key once its renewal time passes, and only those due', async () => {
    const first = await reconcile(t0);
    const before = serials();
    cluster.reset();
    const due = new Date(t0.getTime() + (first.requeueAfterMs ?? 0));
    await reconcile(due);
    const after = serials();
    const renewed = after.filter((s, i) => s !== before[i]);
    expect(renewed.length).toBeGreaterThanOrEqual(1);
    expect(renewed.length).toBeLessThan(identities.length);
    expect(
      cluster.events.every((e) => e.reason === 'CertificateRenewed' && /renewal time/.test(e.note)),
    ).toBe(true);
    cluster.reset();
    await reconcile(new Date(t0.getTime() + 16 * hour));
    expect(serials().every((s, i) => s !== before[i])).toBe(true);
  });

  it('reissues every certificate at once when the lifetime changes', async () => {
    await reconcile(t0);
    const before = serials();
    manifest.spec.mtls = { certificateLifetime: '48h', renewBefore: '16h' };
    cluster.reset();
    const outcome = await reconcile(new Date(t0.getTime() + minute));
    expect(serials().every((s, i) => s !== before[i])).toBe(true);
    expect(cluster.events.filter((e) => /certificateLifetime changed/.test(e.note))).toHaveLength(
      identities.length,
    );
    expect(outcome.requeueAfterMs).toBeGreaterThan(29 * hour);
  });

  it('rotates the CA with an overlap during which every old and new certificate trusts the other', async () => {
    await reconcile(t0);
    const steps = [leafSecrets()];
    manifest.metadata.annotations = { [platformAnnotations.rotateCa]: 'now' };
    for (const offset of [1, 6, 11, 16, 21, 22]) {
      cluster.reset();
      await reconcile(new Date(t0.getTime() + offset * minute));
      steps.push(leafSecrets());
    }
    const bundleSizes = steps.map((s) => parseCertificates(secretText(s[0], 'ca.crt')).length);
    expect(bundleSizes).toEqual([1, 2, 2, 2, 2, 1, 1]);
    // Kubelet delivers each Secret on its own schedule: any two consecutive states must trust each other.
    for (const [i, step] of steps.entries()) {
      for (const older of steps[i - 1] ?? []) {
        for (const newer of step) {
          expect(trusts(older, newer) && trusts(newer, older)).toBe(true);
        }
      }
    }
    const firstLeaf = defined(steps[0]?.[0], 'the first step');
    expect(defined(steps[6], 'a seventh step').every((s) => !trusts(s, firstLeaf))).toBe(true);
  });

  it('signs under a CA the user supplies in a Secret named by spec.mtls.issuer.caSecretRef, with the intermediate in each chain', async () => {
    const user = await createCa({ commonName: 'User root', now: t0, pathLength: 1 });
    cluster.put(kinds.secret, {
      metadata: { name: 'my-ca', namespace: ns },
      data: { 'tls.crt': b64(user.cert.toString()), 'tls.key': b64(user.keyPem) },
    });
    manifest.spec.mtls = { issuer: { caSecretRef: { name: 'my-ca' } } };
    await reconcile(t0);
    const auth = leafSecrets()[0];
    expect(chainOf(auth).map((c) => c.subject)).toEqual(['CN=quire-auth', 'CN=Quire prod/quire CA']);
    expect(parseCertificates(secretText(auth, 'ca.crt'))[0]?.fingerprint256).toBe(user.cert.fingerprint256);
  });

  it('reads the user’s CA from the keys caSecretRef names when they are not tls.crt and tls.key', async () => {
    const user = await createCa({ commonName: 'Keyed root', now: t0, pathLength: 1 });
    cluster.put(kinds.secret, {
      metadata: { name: 'my-ca', namespace: ns },
      data: { 'root.pem': b64(user.cert.toString()), 'root-key.pem': b64(user.keyPem) },
    });
    manifest.spec.mtls = {
      issuer: { caSecretRef: { name: 'my-ca', certificateKey: 'root.pem', privateKeyKey: 'root-key.pem' } },
    };
    const outcome = await reconcile(t0);
    expect(outcome.condition.status).toBe('True');
    const auth = leafSecrets()[0];
    expect(parseCertificates(secretText(auth, 'ca.crt'))[0]?.fingerprint256).toBe(user.cert.fingerprint256);
  });
});

describe('a CA that cannot be used', () => {
  async function withUserCa(data: Record<string, string> | undefined) {
    await reconcile(t0);
    const before = JSON.stringify(leafSecrets());
    if (data) cluster.put(kinds.secret, { metadata: { name: 'my-ca', namespace: ns }, data });
    manifest.spec.mtls = { issuer: { caSecretRef: { name: 'my-ca' } } };
    cluster.reset();
    const outcome = await reconcile(new Date(t0.getTime() + minute));
    expect(cluster.applied).toEqual([]);
    expect(JSON.stringify(leafSecrets())).toBe(before);
    expect(outcome.stalled).toBe(true);
    expect((outcome.fields?.certificates as unknown[] | undefined)?.length).toBe(identities.length);
    return outcome.condition;
  }

  it('stops with SecretNotFound when the named Secret does not exist, and keeps the certificates serving', async () => {
    const condition = await withUserCa(undefined);
    expect(condition).toMatchObject({ status: 'False', reason: 'SecretNotFound' });
    expect(condition.message).toContain(
      'The CA Secret my-ca named by spec.mtls.issuer.caSecretRef does not exist',
    );
  });

  it('names the keys it looked for, and those the Secret has, when the CA is not under them', async () => {
    const condition = await withUserCa({ 'ca.pem': b64('x'), 'ca-key.pem': b64('y') });
    expect(condition).toMatchObject({ status: 'False', reason: CaProblem.Malformed });
    expect(condition.message).toContain(
      'has no tls.crt (caSecretRef.certificateKey) and no tls.key (caSecretRef.privateKeyKey); its keys are ca.pem, ca-key.pem',
    );
  });

  it('says the Secret is malformed when it holds no certificate', async () => {
    const condition = await withUserCa({ 'tls.crt': b64('not a certificate'), 'tls.key': b64('nor a key') });
    expect(condition).toMatchObject({ status: 'False', reason: CaProblem.Malformed });
  });

  it('says the CA expired when it has', async () => {
    const old = await createCa({
      commonName: 'Old root',
      now: new Date(t0.getTime() - 48 * hour),
      lifetimeMs: hour,
    });
    const condition = await withUserCa({ 'tls.crt': b64(old.cert.toString()), 'tls.key': b64(old.keyPem) });
    expect(condition).toMatchObject({ status: 'False', reason: CaProblem.Expired });
    expect(condition.message).toMatch(/expired at/);
  });

  it('says it is not a CA when it is a leaf', async () => {
    const ca = await createCa({ commonName: 'x', now: t0 });
    const leaf = await issueLeaf({
      ca,
      identity: defined(identities[0], "auth's identity"),
      now: t0,
      lifetimeMs: hour,
    });
    const condition = await withUserCa({ 'tls.crt': b64(leaf.chainPem), 'tls.key': b64(leaf.keyPem) });
    expect(condition).toMatchObject({ status: 'False', reason: CaProblem.NotACa });
  });

  it('says it is not a CA for this use when its path length forbids an intermediate', async () => {
    const leafOnly = await createCa({ commonName: 'Leaf-only root', now: t0 });
    const condition = await withUserCa({
      'tls.crt': b64(leafOnly.cert.toString()),
      'tls.key': b64(leafOnly.keyPem),
    });
    expect(condition).toMatchObject({ status: 'False', reason: CaProblem.NotACa });
    expect(condition.message).toMatch(/path length of 0/);
  });

  it('keeps serving when the Platform’s own CA Secret was damaged, and says how to recover', async () => {
    await reconcile(t0);
    const ca = cluster.get(kinds.secret, ns, 'quire-ca');
    (ca?.data as Record<string, string>)['tls.key'] = b64('broken');
    cluster.reset();
    const outcome = await reconcile(new Date(t0.getTime() + minute));
    expect(outcome.condition).toMatchObject({ status: 'False', reason: CaProblem.Malformed });
    expect(outcome.condition.message).toMatch(/Delete the Secret/);
    expect(cluster.applied).toEqual([]);
  });
});

describe('the certificates phase with a cert-manager issuer', () => {
  beforeEach(() => {
    manifest.spec.mtls = { issuer: { type: 'CertManager', certManager: { name: 'platform-ca' } } };
  });

  it('applies a Certificate per identity and waits until cert-manager reports them ready', async () => {
    const outcome = await reconcile(t0);
    expect(cluster.applied).toEqual(identities.map((i) => `Certificate/quire-${i.name}`));
    expect(outcome.condition).toMatchObject({ status: 'False', reason: 'Issuing' });
    for (const identity of identities) {
      const certificate = defined(
        cluster.get(certificateKind, ns, `quire-${identity.name}`),
        `the Certificate of ${identity.name}`,
      );
      certificate.status = {
        notAfter: '2026-03-02T12:00:00Z',
        renewalTime: '2026-03-02T04:00:00Z',
        conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'issued' }],
      };
    }
    const ready = await reconcile(new Date(t0.getTime() + minute));
    expect(ready.condition).toMatchObject({ status: 'True', reason: 'Reconciled' });
    expect(ready.requeueAfterMs).toBe(16 * hour - minute);
    expect(cluster.expiry.get('gateway')?.notAfter).toEqual(new Date('2026-03-02T12:00:00Z'));
    expect(cluster.get(kinds.secret, ns, 'quire-ca')).toBeUndefined();
  });
});
