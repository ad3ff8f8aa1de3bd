import { beforeEach, describe, expect, it } from 'vitest';
import { chainOf, secretText } from '../../test/certificates/fixtures/chains.js';
import { FakeCluster } from '../../test/certificates/fixtures/fake-cluster.js';
import { type Manifest, minimalManifest, platformOf } from '../../test/certificates/fixtures/platform.js';
import { platformAnnotations, retiredPlatformAnnotations } from '../pki/annotations.js';
import { createCa } from '../pki/ca.js';
import { platformIdentities } from '../pki/identities.js';
import { parseCertificates } from '../pki/x509.js';
import { kinds } from '../runtime/resource-kind.js';
import { reconcileCertificates } from './certificates.js';

const t0 = new Date('2026-03-01T12:00:00Z');
const minute = 60_000;
const hour = 60 * minute;
const ns = 'prod';
const identities = platformIdentities({ platform: 'quire', namespace: ns, trustDomain: 'quire.local' });
const renew = platformAnnotations.renewCertificates;
const caSecret = retiredPlatformAnnotations.caSecret;

let cluster: FakeCluster;
let manifest: Manifest;

beforeEach(() => {
  cluster = new FakeCluster();
  manifest = minimalManifest(ns);
  manifest.metadata.uid = 'platform-uid';
});

async function reconcile(now: Date) {
  const { object, platform } = platformOf(structuredClone(manifest));
  return reconcileCertificates({ object, platform, name: 'quire', namespace: ns, now }, cluster.deps(), {
    caOverlapMs: 10 * minute,
  });
}
const at = (ms: number) => new Date(t0.getTime() + ms);
/** Each identity's serial number and key, by name. */
const leaves = () =>
  Object.fromEntries(
    identities.map((i) => {
      const secret = cluster.get(kinds.secret, ns, i.secretName);
      return [i.name, `${chainOf(secret)[0]?.serialNumber} ${secretText(secret, 'tls.key')}`];
    }),
  );
const changed = (before: Record<string, string>) =>
  Object.keys(before).filter((name) => leaves()[name] !== before[name]);

describe('a renewal requested on the Platform', () => {
  it('reissues only the named certificates, with new keys, says so in events, and does it once per request', async () => {
    await reconcile(t0);
    const before = leaves();
    manifest.metadata.annotations = { [renew]: 'auth,gateway@2026-03-01T12:01:00Z' };
    cluster.reset();
    await reconcile(at(minute));
    expect(changed(before)).toEqual(['auth', 'gateway']);
    expect(cluster.applied).toEqual(['Secret/quire-auth-tls', 'Secret/quire-gateway-tls']);
    const because = `because a renewal was requested on the Platform (${renew}=auth,gateway@2026-03-01T12:01:00Z)`;
    expect(cluster.events.map((e) => [e.reason, e.note.slice(0, e.note.indexOf(';'))])).toEqual([
      ['CertificateRenewed', `Renewed the certificate of auth (Secret quire-auth-tls) ${because}`],
      ['CertificateRenewed', `Renewed the certificate of gateway (Secret quire-gateway-tls) ${because}`],
    ]);

    const renewed = leaves();
    cluster.reset();
    await reconcile(at(2 * minute));
    expect(cluster.applied).toEqual([]);
    expect(cluster.events).toEqual([]);

    manifest.metadata.annotations = { [renew]: 'auth@2026-03-01T12:03:00Z' };
    await reconcile(at(3 * minute));
    expect(changed(renewed)).toEqual(['auth']);
  });

  it('does not act on the same request again after the certificates renewed for another reason', async () => {
    manifest.metadata.annotations = { [renew]: 'document@1' };
    await reconcile(t0);
    await reconcile(at(minute));
    // Every leaf is due at 16 h; the request stays recorded through that renewal.
    await reconcile(at(16 * hour));
    cluster.reset();
    await reconcile(at(16 * hour + minute));
    expect(cluster.applied).toEqual([]);
  });

  it('refuses a request naming anything but this Platform’s certificates, in a Warning, and renews nothing', async () => {
    await reconcile(t0);
    const before = leaves();
    for (const [value, says] of [
      ['auth,ca@1', 'ca is not a certificate of this Platform: name one or more of auth, user,'],
      ['auth,ca@1', 'the CA is replaced by a rotation instead (platform.quire.dev/rotate-ca'],
      ['search-api@1', 'search-api is not a certificate of this Platform'],
      ['auth', '"auth" is not a renewal request: write <name>[,<name>...]@<a new value each time>'],
      ['auth@', '"auth@" is not a renewal request'],
    ] as const) {
      manifest.metadata.annotations = { [renew]: value };
      cluster.reset();
      const outcome = await reconcile(at(minute));
      expect(outcome.condition.status).toBe('True');
      expect(cluster.applied).toEqual([]);
      expect(cluster.events).toEqual([
        expect.objectContaining({ type: 'Warning', reason: 'RenewRequestInvalid' }),
      ]);
      expect(cluster.events[0]?.note).toContain(`Did not act on ${renew}=${value}: `);
      expect(cluster.events[0]?.note).toContain(says);
    }
    expect(changed(before)).toEqual([]);
  });

  it('with a cert-manager issuer, answers with a Warning naming the cmctl renew command', async () => {
    manifest.spec.mtls = { issuer: { type: 'CertManager', certManager: { name: 'platform-ca' } } };
    manifest.metadata.annotations = { [renew]: 'auth,gateway@1', [caSecret]: 'my-ca' };
    await reconcile(t0);
    const warnings = cluster.events.filter((e) => e.type === 'Warning');
    expect(warnings.map((e) => e.reason)).toEqual(['RenewRequestIgnored', 'RetiredAnnotation']);
    expect(warnings[0]?.note).toContain('renew them with cmctl renew -n prod quire-auth quire-gateway');
    expect(warnings[1]?.note).toContain(`kubectl annotate platform quire -n prod ${caSecret}-`);
  });
});

describe('a Platform that still names its CA with the retired ca-secret annotation', () => {
  it('changes nothing and says to move it to spec.mtls.issuer.caSecretRef, while the spec names no CA', async () => {
    await reconcile(t0);
    const before = leaves();
    manifest.metadata.annotations = { [caSecret]: 'my-ca' };
    cluster.reset();
    const outcome = await reconcile(at(minute));
    expect(outcome).toMatchObject({
      stalled: true,
      condition: { status: 'False', reason: 'RetiredAnnotation' },
    });
    expect(outcome.condition.message).toContain(`The annotation ${caSecret} is no longer read`);
    expect(outcome.condition.message).toContain(
      `set spec.mtls.issuer.caSecretRef.name to my-ca (the keys default to tls.crt and tls.key) and remove the annotation (kubectl annotate platform quire -n prod ${caSecret}-)`,
    );
    expect(cluster.applied).toEqual([]);
    expect(changed(before)).toEqual([]);
  });

  it('changes nothing while the annotation and the spec name different Secrets', async () => {
    manifest.spec.mtls = { issuer: { caSecretRef: { name: 'new-ca' } } };
    manifest.metadata.annotations = { [caSecret]: 'old-ca' };
    const outcome = await reconcile(t0);
    expect(outcome.condition).toMatchObject({ status: 'False', reason: 'RetiredAnnotation' });
    expect(outcome.condition.message).toContain(
      'spec.mtls.issuer.caSecretRef names new-ca, the annotation old-ca',
    );
  });

  it('signs under the CA the spec names when both name it, and says in a Warning the annotation can go', async () => {
    const user = await createCa({ commonName: 'User root', now: t0, pathLength: 1 });
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    cluster.put(kinds.secret, {
      metadata: { name: 'my-ca', namespace: ns },
      data: { 'tls.crt': b64(user.cert.toString()), 'tls.key': b64(user.keyPem) },
    });
    manifest.spec.mtls = { issuer: { caSecretRef: { name: 'my-ca' } } };
    manifest.metadata.annotations = { [caSecret]: 'my-ca' };
    const outcome = await reconcile(t0);
    expect(outcome.condition.status).toBe('True');
    const auth = cluster.get(kinds.secret, ns, 'quire-auth-tls');
    expect(parseCertificates(secretText(auth, 'ca.crt'))[0]?.fingerprint256).toBe(user.cert.fingerprint256);
    expect(cluster.events.filter((e) => e.type === 'Warning')).toEqual([
      expect.objectContaining({ reason: 'RetiredAnnotation' }),
    ]);
  });
});
