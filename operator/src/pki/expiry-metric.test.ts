import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createCertificateExpiryMetric } from './expiry-metric.js';

const times = (platform: string, name: string) => ({
  namespace: 'team',
  platform,
  name,
  secret: `${platform}-${name}-tls`,
  notAfter: new Date('2026-12-01T00:00:00Z'),
  renewalTime: new Date('2026-11-30T08:00:00Z'),
});

async function series(registry: Registry, name: string) {
  const metric = await registry.getSingleMetric(name)?.get();
  return (metric?.values ?? []).map((v) => ({
    platform: v.labels.platform,
    name: v.labels.name,
    value: v.value,
  }));
}

describe('the certificate expiry gauges', () => {
  it("report each certificate's latest times, named as cert-manager's", async () => {
    const registry = new Registry();
    const metric = createCertificateExpiryMetric(registry);
    metric.set(times('quire', 'auth'));
    metric.set({ ...times('quire', 'auth'), notAfter: new Date('2026-12-02T00:00:00Z') });
    expect(await series(registry, 'quire_certificate_expiration_timestamp_seconds')).toEqual([
      { platform: 'quire', name: 'auth', value: Date.parse('2026-12-02T00:00:00Z') / 1000 },
    ]);
    expect(await series(registry, 'quire_certificate_renewal_timestamp_seconds')).toHaveLength(1);
  });

  it('drop the certificates of a Platform that no longer exists, so its expiry cannot alert later', async () => {
    const registry = new Registry();
    let live = [
      { metadata: { namespace: 'team', name: 'quire' } },
      { metadata: { namespace: 'team', name: 'old' } },
    ];
    const metric = createCertificateExpiryMetric(registry, () => live);
    metric.set(times('quire', 'auth'));
    metric.set(times('old', 'auth'));
    expect(await series(registry, 'quire_certificate_expiration_timestamp_seconds')).toHaveLength(2);
    live = [{ metadata: { namespace: 'team', name: 'quire' } }];
    expect(await series(registry, 'quire_certificate_expiration_timestamp_seconds')).toEqual([
      { platform: 'quire', name: 'auth', value: Date.parse('2026-12-01T00:00:00Z') / 1000 },
    ]);
    expect(
      (await series(registry, 'quire_certificate_renewal_timestamp_seconds')).map((s) => s.platform),
    ).toEqual(['quire']);
  });
});
